"""Sheets made the way offices make them, for the import's tests."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl


def office_partner_sheet(path: Path) -> Path:
    """The partner cities as a foreign affairs office keeps them: a merged title, a date
    line, a blank row, Chinese headers, dates as each clerk typed them, a trailing note."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "友城"
    sheet["A1"] = "济南市国际友好城市一览表"
    sheet.merge_cells("A1:E1")
    sheet["A2"] = "制表日期：2018年12月"
    sheet.append([])
    sheet.append(["城市", "国家", "关系类别", "结好日期", "备注"])
    rows = [
        ("奥格斯堡市", "德国", "友好城市", 1983, "已有"),  # the demo's Augsburg, in Chinese
        ("Tampere", "芬兰", "友好合作关系城市", "2004年9月3日", ""),
        ("Kraków", "Poland", "twin town", "3.9.2004", "dotted, day first"),
        ("Turku", "FI", "sister city", dt.datetime(2011, 5, 6), "an Excel date"),
        ("Graz", "奥地利", "friendly cooperative city", "2004-09", ""),
        ("Tampere ", "芬兰", "友好城市", "2002年", "the same city again"),
        ("亚特兰蒂斯", "亚特兰蒂斯", "友好城市", 2001, "no such country"),
    ]
    for row in rows:
        sheet.append(list(row))
    sheet.append([])
    sheet.append(["注：数据截至2018年12月。"])
    book.save(path)
    return path
