"""Texts in scripts written without spaces (our own fictional stories): shingled by character."""

import newsdedup
from newsdedup import dedup
from newsdedup.matching.shingles import shingle_batch, shingles, unit_for

ZH = [
    "据气象部门消息，北方沿海地区周一遭遇强风暴，港口暂停作业，数十艘渔船返港避风。"
    "当地政府表示，已组织救援队伍前往受影响村庄，目前尚无人员伤亡报告。"
    "气象台预计风暴将在周三前减弱，沿海居民被要求远离海滩。",
    "市交通局周二宣布，连接东西两岸的新大桥将于下月正式通车，全长约三公里。"
    "官员说，大桥建成后两岸通勤时间将缩短一半，每天可通行车辆五万辆。"
    "工程历时四年，总投资约二十亿元。",
]
JA = [
    "気象庁によると、北部の沿岸地域は月曜日に強い嵐に見舞われ、港の作業が一時停止した。"
    "地元当局は救助隊を派遣したと発表し、現時点で負傷者の報告はないという。"
    "嵐は水曜日までに弱まる見通しで、住民には海岸に近づかないよう呼びかけている。",
    "市の図書館は来月から開館時間を延長し、平日は午後九時まで利用できるようになる。"
    "館長は、仕事帰りの利用者が増えていることに応えたと説明した。"
    "新しい閲覧室も秋までに完成する予定だ。",
]


def _copies(texts: list[str]) -> list[dict]:
    """Each story, and an outlet's copy: share and ad lines, its last sentence cut, a local line."""
    rows = []
    for k, text in enumerate(texts):
        rows.append({"id": f"s{k}", "text": text})
        body = text[: text.rindex("。", 0, len(text) - 1) + 1]
        rows.append({"id": f"s{k}-copy", "text": "分享\n" + body + "\n本报记者也在现场进行了采访。\n广告"})
    return rows


def test_the_unit_follows_the_script():
    assert [unit_for(t) for t in (*ZH, *JA)] == ["char"] * 4
    assert unit_for("Storm hits the coast, Zürich says") == "word"
    assert unit_for("The Beijing office (北京办事处) said on Monday that the storm had passed") == "word"
    assert shingles("ab cd", 2, "auto") == shingles("ab cd", 2, "word")


def test_copies_in_chinese_and_japanese_are_found_by_default_and_missed_by_words():
    for texts in (ZH, JA):
        rows = _copies(texts)
        auto = dedup(rows)
        assert [o.status for o in auto] == ["kept", "duplicate"] * len(texts)
        assert all(o.containment > 0.7 for o in auto if o.status == "duplicate")
        words = dedup(rows, shingle="word")
        assert all(o.status == "kept" for o in words)  # a clause is one "word": nothing in common


def test_a_mixed_batch_keeps_each_text_its_unit():
    texts = ["Storm hits the coast on Monday night", ZH[0], "Wheat prices rose again on Tuesday", JA[0]]
    batch = shingle_batch(texts, 5, "auto")
    for k, t in enumerate(texts):
        got = batch.hashes[batch.offsets[k] : batch.offsets[k + 1]].tolist()
        assert got == shingle_batch([t], 5, unit_for(t)).hashes.tolist()


def test_latin_text_gives_what_word_shingles_give():
    sample = newsdedup.load_sample()
    assert dedup(sample) == dedup(sample, shingle="word")
