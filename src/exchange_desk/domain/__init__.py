"""The office's concepts in pure Python: kinds, dates, records, rules. No Qt, SQL or PDF."""
