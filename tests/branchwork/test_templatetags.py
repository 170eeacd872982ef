import datetime

from branchwork.templatetags.branchwork_tags import cn_date, cn_duration


def test_cn_date_writes_dates_the_official_way():
    assert cn_date(datetime.date(2022, 6, 30)) == "2022年6月30日"
    assert cn_date(datetime.date(2022, 1, 5)) == "2022年1月5日"
    assert cn_date(None) == "" and cn_date("2022-06-30") == ""


def test_cn_date_shows_an_aware_datetime_in_shanghai_time():
    late_utc = datetime.datetime(2022, 6, 30, 20, 0, tzinfo=datetime.UTC)  # 04:00 on 1 July in Shanghai
    assert cn_date(late_utc) == "2022年7月1日"


def test_cn_duration_in_words():
    assert cn_duration(datetime.timedelta(minutes=15)) == "15 分钟"
    assert cn_duration(datetime.timedelta(hours=1, minutes=30)) == "1 小时 30 分钟"
    assert cn_duration(datetime.timedelta(hours=2)) == "2 小时"
    assert cn_duration(None) == ""
