"""Roster files for the import tests, built in memory."""
import io

from openpyxl import Workbook, load_workbook

HEADER = ["代表编号", "姓名", "性别", "代表团", "届次", "状态", "界别/行业", "基层代表", "工作单位", "职务", "手机号",
          "代表小组", "联络站", "专业领域"]


def row(code, name="张伟", phone="13900000001", **overrides):
    """One roster row as a dict keyed by header; the defaults name the org the `org` fixture creates."""
    values = {
        "代表编号": code, "姓名": name, "性别": "男", "代表团": "鼓楼区代表团", "届次": "17", "状态": "在任",
        "界别/行业": "工人", "基层代表": "是", "工作单位": "东街社区", "职务": "主任", "手机号": phone,
        "代表小组": "鼓楼区第一代表小组", "联络站": "东街代表联络站", "专业领域": "法律、教育",
    }
    values.update(overrides)
    return values


def xlsx(rows, header=HEADER):
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for values in rows:
        sheet.append([values.get(h) for h in header])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv(rows, header=HEADER, encoding="utf-8-sig"):
    lines = [",".join(header)] + [",".join(str(values.get(h) or "") for h in header) for values in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def upload(api_client, data, filename="代表名册.xlsx", query=""):
    return api_client.post(
        f"/api/v1/deputies/import{query}",
        data={"file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def read_xlsx(data):
    sheet = load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]
