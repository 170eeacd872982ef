"""The shipped, editable example standard: the minimums the regulations set and the compliance
calendar already encodes, as one 100-point 考核细则 a 党委 can create with one button and then
edit (on the pages, or exported to Excel and imported back).

Each row: (编号, 类别, 内容与要求, 分值, 扣分标准, 检查方式, 检查频次, 主要支撑材料, 来源, 一票否决,
计算方式, 参数, 每次扣分). Items tied to a calendar rule take their source from the rule the
registry ships (``activities.kinds``), so the standard and the calendar cite the same text. An
item whose requirement is a common local practice rather than a central text says so in its 来源.
"""

from decimal import Decimal

from activities.kinds import KINDS

BRANCH_RULES = "《中国共产党支部工作条例（试行）》"
EDUCATION_RULES = "《中国共产党党员教育管理工作条例》"
DEVELOPMENT_RULES = "《中国共产党发展党员工作细则》"
DUES_RULES = "中共中央组织部《关于中国共产党党费收缴、使用和管理的规定》"
LOCAL_PRACTICE = "各级党委考核细则的通行要求"

EXAMPLE_TITLE = "{year}年度党支部标准化规范化建设考核细则（示例）"


def _rule_source(kind: str) -> str:
    rule = KINDS[kind].rule
    return rule.source if rule else BRANCH_RULES


def _row(code, category, requirement, points, deduction, method, frequency, materials, basis, measure="manual", params=None, deduct_each="1", veto=False):
    return {
        "code": code,
        "category": category,
        "requirement": requirement,
        "points": Decimal(points),
        "deduction": deduction,
        "method": method,
        "frequency": frequency,
        "materials": "\n".join(materials),
        "basis": basis,
        "is_veto": veto,
        "measure": measure,
        "params": params or {},
        "deduct_each": Decimal(deduct_each),
    }


EXAMPLE_ITEMS = [
    # 一、组织设置（13分）
    _row("1.1", "组织设置", "党员7人以上的党支部设立支部委员会，设书记和组织、宣传、纪检等委员，委员3至7人；不足7人的设书记", "4",
         "未设书记或委员人数不符合规定，每项扣2分", "查看花名册、选举材料", "年度",
         ["支部委员会组成及分工", "选举结果报告及上级批复"], f"{BRANCH_RULES}关于支部委员会设置的规定",
         "roster", {"check": "committee_complete"}, "2"),
    _row("1.2", "组织设置", "党员人数较多的党支部划分党小组，党员全部编入党小组", "2",
         "应划分而未划分党小组扣2分；有党员未编入党小组扣1分", "查看花名册、党小组名单", "年度",
         ["党小组设置及组长名单"], f"{BRANCH_RULES}关于划分党小组的规定", "roster", {"check": "groups", "min_members": 10}, "1"),
    _row("1.3", "组织设置", "党支部按期换届，届期届满及时提出换届申请", "2",
         "未按期换届扣2分", "查看换届请示、批复", "年度", ["换届选举请示及批复", "选举结果报告"],
         f"{BRANCH_RULES}：支部委员会每届任期一般为3年"),
    _row("1.4", "组织设置", "发展党员程序规范，各环节材料齐全、时间节点符合规定", "3",
         "程序不规范每发现一处扣1分", "查看发展党员档案", "年度",
         ["入党申请书、思想汇报", "培养考察材料", "支部党员大会讨论接收预备党员记录"], DEVELOPMENT_RULES),
    _row("1.5", "组织设置", "党员组织关系转接及时，党员信息和花名册准确", "1",
         "转接不及时或信息有误扣0.5分", "查看花名册、组织关系介绍信存根", "年度", ["党员花名册", "组织关系转接记录"], BRANCH_RULES,
         deduct_each="0.5"),
    _row("1.6", "组织设置", "预备党员按期讨论转正", "1",
         "逾期未讨论转正扣1分", "查看支部党员大会记录", "年度", ["转正申请及讨论记录"], DEVELOPMENT_RULES,
         params={"kinds": ["branch_assembly"]}),
    # 二、三会一课（32分）
    _row("2.1", "三会一课", "支部委员会会议一般每月召开1次", "6",
         "未按要求召开，每缺一次扣1分", "查看会议记录本", "月度", ["支委会会议记录", "会议决定事项"],
         _rule_source("committee_meeting"), "rule", {"kinds": ["committee_meeting"]}, "1"),
    _row("2.2", "三会一课", "支部党员大会一般每季度召开1次", "6",
         "未按要求召开，每缺一次扣1.5分", "查看会议记录本", "季度", ["党员大会会议记录", "签到表"],
         _rule_source("branch_assembly"), "rule", {"kinds": ["branch_assembly"]}, "1.5"),
    _row("2.3", "三会一课", "党小组会一般每月召开1次", "5",
         "每个党小组每缺一次扣0.5分", "查看党小组会议记录", "月度", ["党小组会议记录"],
         _rule_source("group_meeting"), "rule", {"kinds": ["group_meeting"]}, "0.5"),
    _row("2.4", "三会一课", "按期上党课，一般每季度1次", "4",
         "每缺一次扣1分", "查看党课材料", "季度", ["党课讲稿或课件", "签到表", "照片"],
         f"{BRANCH_RULES}要求按期上党课；每季度1次为{LOCAL_PRACTICE}", "kind_count", {"kinds": ["party_lecture"], "min": 4}, "1"),
    _row("2.5", "三会一课", "党支部书记每年至少为党员讲1次党课", "3",
         "书记未讲党课扣3分", "查看党课材料", "年度", ["书记讲党课讲稿", "照片"], BRANCH_RULES,
         "kind_count", {"kinds": ["party_lecture"], "min": 1, "speaker_post": "支部书记"}, "3"),
    _row("2.6", "三会一课", "三会一课记录完整规范，有会议记录、签到和决定事项", "3",
         "无记录扣2分，记录不规范扣1分", "查看记录本", "年度", ["三会一课记录本"], BRANCH_RULES,
         params={"kinds": ["committee_meeting", "branch_assembly", "group_meeting", "party_lecture"]}),
    _row("2.7", "三会一课", "坚持经常性学习教育，每月组织集中理论学习", "3",
         "每缺一次扣0.5分", "查看学习记录", "月度", ["理论学习记录", "学习材料"],
         f"{EDUCATION_RULES}关于经常性学习教育的要求；每月1次为{LOCAL_PRACTICE}", "kind_count", {"kinds": ["study"], "min": 12}, "0.5"),
    _row("2.8", "三会一课", "开展主题教育和专题学习", "2",
         "未开展扣2分", "查看活动记录", "年度", ["主题教育活动方案", "活动记录及照片"], EDUCATION_RULES,
         "kind_count", {"kinds": ["themed_education"], "min": 1}, "2"),
    # 三、主题党日（8分）
    _row("3.1", "主题党日", "每月相对固定1天开展主题党日", "6",
         "每缺一次扣0.5分", "查看主题党日记录", "月度", ["主题党日活动方案", "活动记录", "照片"],
         _rule_source("themed_day"), "rule", {"kinds": ["themed_day"]}, "0.5"),
    _row("3.2", "主题党日", "组织党员开展志愿服务", "2",
         "少于2次，每缺一次扣1分", "查看活动记录", "半年", ["志愿服务记录", "照片"],
         f"{EDUCATION_RULES}关于组织党员参加志愿服务的要求；每年2次为{LOCAL_PRACTICE}", "kind_count", {"kinds": ["volunteer"], "min": 2}, "1"),
    # 四、组织生活会和民主评议（12分）
    _row("4.1", "组织生活会", "每年至少召开1次组织生活会，开展批评和自我批评", "5",
         "未召开扣5分", "查看会议记录", "年度", ["组织生活会方案", "对照检查材料", "会议记录"],
         _rule_source("org_life"), "rule", {"kinds": ["org_life"]}, "5"),
    _row("4.2", "组织生活会", "组织生活会查摆问题建立整改清单，整改落实到位", "2",
         "无整改清单扣2分，整改不到位扣1分", "查看问题整改清单", "年度", ["问题整改清单", "整改落实情况"], BRANCH_RULES,
         params={"kinds": ["org_life", "rectification"]}),
    _row("4.3", "民主评议", "每年开展1次民主评议党员", "4",
         "未开展扣4分", "查看评议记录", "年度", ["民主评议方案", "评议结果", "会议记录"],
         _rule_source("democratic_appraisal"), "rule", {"kinds": ["democratic_appraisal"]}, "4"),
    _row("4.4", "民主评议", "评议结果运用到位，对不合格党员按规定处置", "1",
         "评议结果未运用扣1分", "查看评议结果及处置材料", "年度", ["评议结果及处置情况"], BRANCH_RULES,
         params={"kinds": ["democratic_appraisal"]}),
    # 五、谈心谈话（4分）
    _row("5.1", "谈心谈话", "支部委员之间、支部委员和党员之间、党员和党员之间经常开展谈心谈话", "3",
         "少于4次，每缺一次扣0.5分", "查看谈心谈话记录", "季度", ["谈心谈话记录"],
         f"{BRANCH_RULES}要求经常开展谈心谈话；每季度1次为{LOCAL_PRACTICE}", "kind_count", {"kinds": ["heart_talk"], "min": 4}, "0.5"),
    _row("5.2", "谈心谈话", "开展集体廉政谈话", "1",
         "未开展扣1分", "查看谈话记录", "年度", ["集体廉政谈话记录"], LOCAL_PRACTICE,
         "kind_count", {"kinds": ["integrity_talk"], "min": 1}, "1"),
    # 六、党员教育管理（7分）
    _row("6.1", "党员教育管理", "开展警示教育", "2",
         "未开展扣2分", "查看活动记录", "年度", ["警示教育活动记录", "照片"], EDUCATION_RULES,
         "kind_count", {"kinds": ["warning_education"], "min": 1}, "2"),
    _row("6.2", "党员教育管理", "组织党员学习党章党规党纪", "2",
         "少于2次，每缺一次扣1分", "查看学习记录", "半年", ["党规党纪学习记录"], EDUCATION_RULES,
         "kind_count", {"kinds": ["rules_study"], "min": 2}, "1"),
    _row("6.3", "党员教育管理", "关心关爱党员，走访慰问困难党员和老党员", "1",
         "未开展扣1分", "查看走访记录", "年度", ["走访慰问记录"], EDUCATION_RULES,
         "kind_count", {"kinds": ["visit"], "min": 1}, "1"),
    _row("6.4", "党员教育管理", "设立党员先锋示范岗，发挥党员先锋模范作用", "1",
         "未设立扣1分", "查看示范岗名单", "年度", ["党员先锋示范岗名单"], LOCAL_PRACTICE,
         params={"kinds": ["pioneer_post"]}),
    _row("6.5", "党员教育管理", "党员参加集中学习培训，学时达到要求", "1",
         "学时不足每人扣0.5分", "查看培训记录", "年度", ["党员学习培训学时登记"], EDUCATION_RULES),
    # 七、意识形态（6分）
    _row("7.1", "意识形态", "支部研究意识形态工作，落实意识形态工作责任制", "2",
         "少于2次，每缺一次扣1分", "查看会议记录", "半年", ["意识形态专题会议记录"], LOCAL_PRACTICE,
         "kind_count", {"kinds": ["ideology_meeting"], "min": 2}, "1"),
    _row("7.2", "意识形态", "对学习宣传材料进行审核把关", "1",
         "未审核扣1分", "查看审核记录", "年度", ["材料审核记录"], LOCAL_PRACTICE, params={"kinds": ["material_review"]}),
    _row("7.3", "意识形态", "加强党员网络言行教育引导", "1",
         "未开展扣1分", "查看活动记录", "年度", ["网络言行教育记录"], LOCAL_PRACTICE,
         "kind_count", {"kinds": ["online_conduct"], "min": 1}, "1"),
    _row("7.4", "意识形态", "意识形态阵地管理到位，未发生意识形态领域重大问题", "2",
         "发生意识形态领域重大问题的，本项不得分并实行一票否决", "查看相关材料", "年度", ["意识形态阵地管理台账"], LOCAL_PRACTICE, veto=True),
    # 八、党费（5分）
    _row("8.1", "党费", "党员按月足额交纳党费", "3",
         "有党员未按月交纳，每人扣0.5分", "查看党费收缴台账", "月度", ["党费收缴台账"], DUES_RULES,
         params={"kinds": ["dues"]}, deduct_each="0.5"),
    _row("8.2", "党费", "党费收缴情况定期向党员公布", "2",
         "未公布扣2分", "查看公示材料", "年度", ["党费收缴公示"], DUES_RULES, params={"kinds": ["dues"]}),
    # 九、支部工作计划与总结（7分）
    _row("9.1", "计划与总结", "半年、全年工作总结按时上交（上半年7月15日前、下半年次年1月15日前）", "4",
         "未按时上交，每次扣2分", "查看报送记录", "半年", ["半年工作总结", "全年工作总结"], LOCAL_PRACTICE,
         "report", {"due": "07-15", "due_h2": "01-15"}, "2"),
    _row("9.2", "计划与总结", "制定年度工作计划并报上级党组织", "2",
         "未制定扣2分，未上报扣1分", "查看工作计划", "年度", ["年度工作计划"], BRANCH_RULES, params={"kinds": ["submission"]}),
    _row("9.3", "计划与总结", "组织生活会、民主评议情况及时报告上级党组织", "1",
         "未报告扣1分", "查看报送材料", "年度", ["组织生活会情况报告"], BRANCH_RULES, params={"kinds": ["submission"]}),
    # 十、宣传报道（5分）
    _row("10.1", "宣传报道", "及时报道支部工作和党员先进事迹", "4",
         "少于4篇，每缺一篇扣1分", "查看宣传报道台账", "季度", ["宣传报道台账", "报道截图或链接"], LOCAL_PRACTICE,
         "publicity", {"min": 4}, "1"),
    _row("10.2", "宣传报道", "开展信访举报宣传", "1",
         "未开展扣1分", "查看活动记录", "年度", ["信访举报宣传照片"], LOCAL_PRACTICE,
         "kind_count", {"kinds": ["petition_publicity"], "min": 1}, "1"),
    # 十一、一票否决（1分）。一票否决项目评分低于分值，即视为否决。
    _row("11.1", "一票否决", "支部班子成员未发生严重违纪违法问题", "1",
         "发生严重违纪违法问题的，本项不得分并实行一票否决", "查看纪检监察通报", "年度", ["有关通报"], LOCAL_PRACTICE, veto=True),
]
