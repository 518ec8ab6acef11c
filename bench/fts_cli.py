"""The CLI baseline: a script doing what `sitrep search TEXT --country CODE` does, on FTS5.

Open, count the matches, count four facets over all of them, read the top 20 records ranked by
BM25 and print one line each plus the facet lines.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fts import FtsSearch

engine = FtsSearch(Path(sys.argv[1]))
answer = engine.search(sys.argv[2], country=sys.argv[3], facets=True)
print(f"{answer['total']} results")
for record in answer["hits"]:
    print(record.id, record.week_start, record.trend or "", record.title)
for facet in ("countries", "topic", "trend", "year"):
    print(facet + ":", ", ".join(f"{value} {count}" for value, count in answer[facet][:8]))
