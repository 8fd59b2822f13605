"""The registers the import tests read, built as offices keep them (issue 16). Run it to rebuild
the files beside it; they are committed, so the tests do not need it:

    python tests/data/make_fixtures.py

- messy-register.xlsx: a month's visitor register as a sales office types it — a merged title
  row naming the project, register and month, a blank spacer row, 序号/日期/客户姓名/联系电话/
  置业顾问/来访/来电/意向房型/备注, phones in seven forms (two numbers in one cell, a landline
  with its extension), dates as Excel dates, serial numbers, 2026.11.02, 26.11.7, 11月3日, 11/4,
  5日, a date merged over two rows, an advisor not on the staff, a totals row; a second sheet
  (the call register, by its name) whose title says only the year, with a day/month order it
  cannot settle; a notes sheet without a table.
- gbk-register.csv: a CSV saved by Chinese Excel (GBK), the register by a 方式 column.
- year-2026.xlsx: one sheet per month (the year from the file's name, the month from the
  sheet's) and one sheet for the call register.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).resolve().parent
TICK = "√"


def messy(path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "11月"
    ws.append(["滨江花园项目 来访客户登记表（2026年11月）"])
    ws.merge_cells("A1:I1")
    ws.append([])
    ws.append(["序号", "日期", "客户姓名", "联系电话", "置业顾问", "来访", "来电", "意向房型", "备注"])
    rows = [
        [1, datetime(2026, 11, 2, 9, 30), "张三", "138 0013 8000", "李娜", TICK, None, "三房", "首次到访"],  # 4
        [2, "2026.11.02", "李四", "+86 139-1234-5678", "张伟", None, TICK, "两房", "问价格"],  # 5
        [3, "11月3日 14:30", "王五", "0086 13700137000", "刘洋", TICK, None, None, None],  # 6
        [4, 46330, "赵六", 13600136000, "李娜", TICK, None, "大平层", None],  # 7: a serial number, a number cell
        [5, "11/4", "钱七", "１３５００１３５０００", "张伟", None, TICK, None, None],  # 8: full-width digits
        [6, "5日", "张三", "13800138000、13900139000", "李娜", TICK, None, None, "带家人来"],  # 9: two numbers
        [7, "2026/11/5", "周九", "010-87654321转123", "刘洋", None, TICK, None, "公司采购"],  # 10: an extension
        [8, "2026-11-06", "吴十", "135 0013 5001", "张伟", TICK, None, None, None],  # 11: the date merged down
        [9, None, "郑十一", "13500135002\n13500135003", "张伟", TICK, None, None, None],  # 12
        [10, "26.11.7", "冯先生", "13300133000；13300133001", "小王", TICK, TICK, "三房", None],  # 13: both ticked
        [11, "11月8日", "陈女士", None, "李娜", TICK, None, None, "没留电话"],  # 14: no phone
        [12, "上周三", "褚先生", "13800138012", "刘洋", TICK, None, None, None],  # 15: not a date
        [13, "2026年11月9日", "卫女士", "1380013800", "刘洋", TICK, None, None, None],  # 16: ten digits
    ]
    for r in rows:
        ws.append(r)
    ws["B7"].number_format = "General"  # the serial number stays a number
    ws["B4"].number_format = "yyyy/m/d h:mm"
    ws.merge_cells("B11:B12")
    ws.append([])  # 17: a spacer
    ws.append(["合计", "共 13 组", None, None, None, None, None, None, None])  # 18
    calls = wb.create_sheet("来电")
    calls.append(["2026年 进线电话登记本"])
    calls.append(["日期", "时间", "姓名", "电话", "接待人", "需求", "说明"])
    calls.append(["10月20日", "10:00", "蒋先生", "13800138020", "刘洋", "三房", "问学区"])  # 3
    calls.append(["10/21", "上午9点", "沈女士", "13800138021", "李娜", None, None])  # 4
    calls.append(["3/10", "15:00", "韩先生", "13800138022", "张伟", None, None])  # 5: 3 Oct or 10 Mar?
    notes = wb.create_sheet("说明")
    notes.append(["本表由前台每日登记"])
    wb.save(path)


def gbk(path: Path) -> None:
    buf = io.StringIO(newline="")
    w = csv.writer(buf)
    w.writerow(["翡翠湾项目来电来访登记（2026年11月）"])
    w.writerow(["日期", "姓名", "手机", "经办人", "方式", "需求", "说明"])
    w.writerow(["11/10", "林先生", "13700137010", "李娜", "来访", "四房", "朋友介绍"])  # 3
    w.writerow(["11/10", "林先生", "13700137010", "李娜", "来电", "四房", ""])  # 4
    w.writerow(["11月11日", "何女士", "13700137011", "张伟", "电话", "", ""])  # 5
    w.writerow(["12日", "罗先生", "13700137012", "刘洋", "朋友介绍", "", "路过"])  # 6: a channel, no register
    w.writerow(["2026/11/12", "", "", "张伟", "来访", "", ""])  # 7: no phone
    w.writerow(["合计", "5", "", "", "", "", ""])  # 8
    path.write_bytes(buf.getvalue().encode("gbk"))


def year(path: Path) -> None:
    wb = Workbook()
    months = {
        "9月": [["3日", "严先生", "13900139001", "李娜", "来访"], ["9/15", "华女士", "13900139002", "张伟", "来电"],
               ["20日", "严先生", "13900139001", "李娜", "来访"]],
        "10月": [["2日", "金先生", "13900139003", "刘洋", "来访"], ["10.8", "华女士", "13900139002", "张伟", "来访"]],
        "11月": [["1日", "魏女士", "13900139004", "李娜", "来访"]],
    }
    ws = wb.active
    for i, (name, rows) in enumerate(months.items()):
        ws = ws if i == 0 else wb.create_sheet()
        ws.title = name
        ws.append(["日期", "客户", "电话", "顾问", "类型"])
        for r in rows:
            ws.append(r)
    calls = wb.create_sheet("来电登记")
    calls.append(["时间", "姓名", "手机号", "销售"])
    calls.append([datetime(2026, 10, 5, 14, 0), "陶先生", "13900139005", "刘洋"])
    calls.append([datetime(2026, 10, 6, 9, 0), "金先生", "13900139003", "刘洋"])
    wb.save(path)


if __name__ == "__main__":
    messy(HERE / "messy-register.xlsx")
    gbk(HERE / "gbk-register.csv")
    year(HERE / "year-2026.xlsx")
    print("written:", ", ".join(p.name for p in sorted(HERE.glob("*.*")) if p.suffix in (".xlsx", ".csv")))
