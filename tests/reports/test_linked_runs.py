"""The on-screen pages' paragraphs (``gbt_linked_runs``): each figure links to what it counts,
the rest is escaped text, exactly as the include it replaced wrote them."""

from reports.document import Paragraph, Run
from reports.templatetags.gbt9704 import gbt_linked_runs


def test_figures_link_to_their_records_and_pieces_and_text_is_escaped():
    paragraph = Paragraph(
        runs=(
            Run("共召开理论学习会"),
            Run("12", figure="理论学习会次数", activity_ids=(3, 14)),
            Run("次，在<网站>发表"),
            Run("5", figure="新闻宣传篇数", publicity_ids=(7,)),
            Run("篇，“A&B”"),
            Run("0", figure="党课次数"),
        ),
        ordinal="一是",
    )
    assert gbt_linked_runs(paragraph, "kl") == (
        '<span class="gbt-ordinal">一是</span>共召开理论学习会'
        '<a class="report-figure" href="/b/kl/records/?ids=3,14" title="理论学习会次数：查看对应记录">12</a>'
        "次，在&lt;网站&gt;发表"
        '<a class="report-figure" href="/b/kl/publicity/?ids=7" title="新闻宣传篇数：查看对应稿件">5</a>'
        "篇，“A&amp;B”"
        '<span class="report-figure" title="党课次数">0</span>'
    )


def test_a_paragraph_without_ordinal_starts_with_its_text():
    assert gbt_linked_runs(Paragraph(runs=(Run("全文"),)), "kl") == "全文"
