"""Importing the registers an office keeps today (SPEC "Part 1": import existing paper/Excel
registers with cleaning and a report of what was merged or rejected).

One file, CSV (UTF-8, UTF-16 or GBK) or xlsx (any number of sheets), holds any of: the visitor
register (来访客户登记表), the call register (进线电话登记本), follow-ups (跟进记录) and staff (员工).
Each row says what it is in a 类型/type column, a 方式/渠道 column naming a register, 来访/来电
tick columns or a 登记本/register column, or by its sheet's name or the title above the header
(a row nothing names is a visit, said in the report). Chinese and English headers are both
accepted wherever the header row stands (the table FIELDS; README "Importing paper registers");
dates without their year or month take them from the title, the sheet's or the file's name
(dates.py); merged cells are filled; totals rows are skipped.

What the import does, all in one transaction (a failure writes nothing; a dry run rolls back):

- staff rows first: a missing staff member is created with their role and no PIN;
- every client row is checked (type, date, phone, advisor, outcome…); a row that cannot be
  used is rejected with a reason and the row number;
- phones are normalised (frontdesk.rules.phones) and rows merged by phone into one client;
  a 关系/relation + 关联电话/related_phone keeps a household together (R2.5);
- visits and calls become register entries of kind "imported" that keep their original
  date and time (`at`, `day`) and carry the source row; `recorded_at` is the time of the
  import. They are REGISTER events for the advisor who served (route "imported"), so the
  R2.2 fold gives the owner the paper registers give. They are appended in chronological
  order of their original time **after the pages already in the register**: a register
  that is already in use gets the imported history numbered after its existing pages (the
  dates, not the page numbers, decide ownership). Rows already in the register (the same
  register, phone, advisor and minute) are not written twice, so a corrected file can be
  imported again;
- follow-ups become FollowUp rows with their original dates;
- a report (CSV) lists every row: imported, merged or rejected, with its reason.

The ledger path is batched: numbers and hashes are computed here (pages.py writes the
texts `ledger.entry_hash` hashes, checked equal to it), and inserted many at a time.

The package: table (vocabulary, rows), read (reading the file), dates (dates and what a table
says about them), parse (checking a row), staffing (staff rows; advisors the staff does not know:
mapped, created inactive, or asked for), run (the import: merging rows into clients), writer
(the batched writes), report (the row report), service (ImportService).
"""

from __future__ import annotations

from . import pages  # noqa: F401 - tests patch pages.page_hash through here
from .report import _national, message, write_report
from .service import ImportService, check_paths
from .table import EXTENSIONS, FIELDS, KINDS, REPORT_COLUMNS, ImportFailed, Progress, Row, Table, field_of
from .read import read_table

__all__ = ["EXTENSIONS", "FIELDS", "KINDS", "REPORT_COLUMNS", "ImportFailed", "ImportService", "Progress", "Row", "Table",
           "_national", "check_paths", "field_of", "message", "read_table", "write_report"]
