"""The CLI baseline: a script that answers `search TEXT --country CODE` from the FTS5 file."""

import sqlite3
import sys

db = sqlite3.connect(sys.argv[1])
text, country = sys.argv[2], sys.argv[3]
rows = db.execute(
    "SELECT d.id, d.week FROM fts JOIN docs d ON d.rowid = fts.rowid WHERE fts MATCH ? AND d.rowid IN "
    "(SELECT rowid FROM countries WHERE code = ?) ORDER BY rank LIMIT 20",
    (text, country),
).fetchall()
for row in rows:
    print(*row)
