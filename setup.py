"""For scrapyd-deploy only: it builds the Scrapyd egg with ``python setup.py bdist_egg``.

Everything (packages, data, the ``scrapy`` settings entry point) is declared in pyproject.toml;
without this file scrapyd-deploy writes a setup.py of its own into the checkout.
"""

from setuptools import setup

setup()
