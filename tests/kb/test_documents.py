import json

import pytest

from assistant.kb.documents import (KbFormatError, iter_files, passages_for, read_file, read_jsonl,
                                    split_articles, split_sentences_into_chunks, unwrap_pdf_lines)

from .conftest import FAQ, REPO, write_jsonl


def test_jsonl_entries_keep_their_fields(tmp_path):
    entries = read_jsonl(write_jsonl(tmp_path / "a.jsonl", FAQ))
    assert [e.id for e in entries] == ["old-1", "old-2", "bike-1", "waste-1"]
    assert entries[0].title == "高龄津贴怎么领？" and entries[0].source == "示例市老年人优待办法"
    assert entries[0].origin == str((tmp_path / "a.jsonl").resolve())


@pytest.mark.parametrize("line, message", [
    ("{not json", "not valid JSON"),
    ('["a"]', "expected a JSON object"),
    ('{"id": "x", "answer": "y"}', "question"),
    ('{"id": "", "question": "q", "answer": "y"}', "id"),
])
def test_bad_jsonl_lines_are_refused_with_the_line_number(tmp_path, line, message):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "ok", "question": "q", "answer": "a"}\n' + line + "\n", encoding="utf-8")
    with pytest.raises(KbFormatError, match=message) as info:
        read_jsonl(path)
    assert "bad.jsonl:2" in str(info.value)


def test_markdown_front_matter_and_sections(corpus):
    [entry] = read_file(corpus / "dog.md")
    assert (entry.id, entry.title, entry.topic, entry.source) == ("md-dog", "养犬登记", "社区设施", "示例市养犬管理条例")
    assert [h for h, _ in entry.sections] == ["要不要登记", "遛狗"]
    assert "SAMPLE" not in entry.text  # block-quoted banners are editorial, not policy
    bodies = [p.text for p in passages_for(entry) if p.kind == "body"]
    assert bodies == ["养犬登记：要不要登记。养狗要办理养犬登记证，每年年检一次。",
                      "养犬登记：遛狗。出门遛狗要牵狗绳，及时清理粪便。"]


def test_markdown_without_front_matter_is_refused(tmp_path):
    path = tmp_path / "x.md"
    path.write_text("# 标题\n正文", encoding="utf-8")
    with pytest.raises(KbFormatError, match="front matter"):
        read_file(path)


def test_articles_split_by_di_x_tiao():
    text = "某办法\n说明文字\n第一条 为了规范管理，制定本办法。\n第二条　年满80周岁的老人可以领取津贴。每月发放。\n第十二条：本办法自发布之日起施行。"
    entries = split_articles("某办法", text)
    assert [e.id for e in entries] == ["某办法#第一条", "某办法#第二条", "某办法#第十二条"]
    assert entries[1].text == "年满80周岁的老人可以领取津贴。每月发放。"
    assert entries[1].title.startswith("某办法 第二条 年满80周岁")


def test_without_articles_numbered_headings_split():
    entries = split_articles("指南", "一、办理条件\n年满60周岁。\n二、办理材料\n身份证和照片。")
    assert [e.id for e in entries] == ["指南#一、办理条件", "指南#二、办理材料"]
    assert entries[1].text == "身份证和照片。"


def test_long_text_is_chunked_at_sentence_ends():
    text = "这是一句比较长的政策说明，用来测试切分。" * 30
    chunks = split_sentences_into_chunks(text, limit=100)
    assert len(chunks) > 1 and all(len(c) <= 100 for c in chunks)
    assert "".join(chunks) == text


def test_pdf_line_wrapping_is_undone():
    wrapped = "第二条 业主装修房屋前，应当到物业办理装修登记，提交装修方案和施\n工单位信息。\n第三条 装修施工时间为工作日。"
    assert unwrap_pdf_lines(wrapped).splitlines() == [
        "第二条 业主装修房屋前，应当到物业办理装修登记，提交装修方案和施工单位信息。", "第三条 装修施工时间为工作日。"]


def test_generated_docx_is_split_by_article(tmp_path):
    import docx

    document = docx.Document()
    document.add_heading("测试社区公约", level=1)
    document.add_paragraph("第一条 严禁高空抛物。")
    document.add_paragraph("第二条 晚上10点以后不得大声喧哗。")
    document.core_properties.title = "测试社区公约"
    path = tmp_path / "公约.docx"
    document.save(str(path))
    entries = read_file(path)
    assert [e.id for e in entries] == ["测试社区公约#第一条", "测试社区公约#第二条"]
    assert entries[1].text == "晚上10点以后不得大声喧哗。"


def test_sample_pdf_and_docx_of_the_corpus_read_by_article():
    pdf = read_file(REPO / "policy_kb" / "documents" / "示例市住宅装修管理规定.pdf")
    assert pdf[2].id == "示例市住宅装修管理规定#第三条"
    assert "双休日和法定节假日" in pdf[2].text  # no stray spaces from the PDF's line wrapping
    docx_entries = read_file(REPO / "policy_kb" / "documents" / "幸福里社区居民公约.docx")
    assert docx_entries[1].id == "幸福里社区居民公约#第二条" and "高空抛物" in docx_entries[1].text


def test_bad_docx_and_pdf_are_refused(tmp_path):
    for name in ("x.docx", "x.pdf"):
        (tmp_path / name).write_bytes(b"this is not a document")
        with pytest.raises(KbFormatError):
            read_file(tmp_path / name)


def test_iter_files_filters_and_refuses_unknown(tmp_path, corpus):
    (corpus / "notes.txt").write_text("x", encoding="utf-8")
    (corpus / "README.md").write_text("# about this folder", encoding="utf-8")
    assert sorted(p.name for p in iter_files([corpus])) == ["dog.md", "faq.jsonl"]
    with pytest.raises(KbFormatError, match="unsupported"):
        list(iter_files([corpus / "notes.txt"]))
    with pytest.raises(KbFormatError, match="no such file"):
        list(iter_files([tmp_path / "missing"]))


def test_sample_corpus_size_and_topics():
    entries = [e for f in iter_files([REPO / "policy_kb"]) for e in read_file(f)]
    assert len(entries) >= 120
    assert len({e.id for e in entries}) == len(entries)
    topics = {e.topic for e in entries}
    for topic in ("养老保险", "医疗保险", "居住证与户籍", "社会救助", "高龄与老年优待", "残疾人服务", "住房保障",
                  "垃圾分类", "就业创业", "生育与儿童", "教育入学", "社区设施", "消防安全", "电动车管理",
                  "疫苗与健康", "法律援助"):
        assert topic in topics
    queries = [json.loads(line) for line in (REPO / "bench" / "kb_dev.jsonl").read_text(encoding="utf-8").splitlines()]
    ids = {e.id for e in entries}
    assert len(queries) >= 150 and sum(1 for q in queries if not q["expected"]) >= 20
    assert all(i in ids for q in queries for i in q["expected"])  # no dangling expected ids
