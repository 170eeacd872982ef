"""Demo branch profiles (支部概况): what each unit does and how it writes about itself.

kl所's profile carries what the reference report says of the unit beyond its records — its main
business, how it names its superiors, the year's goals and campaigns, its standards and ledgers,
its 「模范机关」 standing work — so that the proposed draft recovers those items from data.
历史研究所党支部's is short, as a new branch's would be. Idempotent like the rest of the demo.
"""

from __future__ import annotations

from branchwork.models import Organisation
from reports.models import BranchProfile, ProfileYear, StandingWork
from reports.profile import profile_changed

PROFILES = {
    "kl": {
        "unit_name": "kl所",
        "core_business": "收费运营",
        "key_work": "收费运营、隧道安全管理、车辆数据稽核",
        "served": "广大司乘人员",
        "member_term": "党员职工",
        "superiors": "中心党委\n处党总支",
        "superiors_opening": "省中心党委和处党总支",
        "standardisation": "《标准化手册》",
        "ledgers": "十个台账",
        "institutions": "重大事项报告制度\n民主集中制\n党政议事规则\n财务联签\n主要领导末位表态发言",
        "work_style_rules": "中央八项规定及实施细则\n省委省政府转变工作作风“十不准”规定",
        "key_tasks": "通行费征收\n节假日保通保畅\n隧道安全管理\n疫情防控\nETC推广及客服服务",
        "headings": {"3": "加强作风建设，打造“过硬”职工队伍"},
    },
    "lsy": {
        "unit_name": "历史所",
        "core_business": "科研",
        "key_work": "地方史研究、地方志编纂、决策咨询",
        "superiors": "院党委",
        "superiors_opening": "院党委",
    },
}

YEARS = {
    ("kl", 2022): {
        "goals": "省中心“提效能、优服务、冲百亿”目标计划",
        "campaigns": "“行业管理提升年”\n“三比三促三提升”",
        # What the reference's secretary states as the half-year's outcomes and as the branch's own
        # problems beyond its open rectification item: the sources the draft's judgments need.
        "achievements": (
            "突出党建引领，聚焦中心工作，坚持问题导向，狠抓责任落实\n"
            "通过形式多样、内容丰富的主题党日活动，极大提升了组织的吸引力和凝聚力，促进了支部党员之间的有效交流与沟通，"
            "增强了党员的归属感、责任感和荣誉感\n"
            "党支部书记严格落实第一责任人责任，班子成员严格履行“一岗双责”\n"
            "在收费运营、隧道安全管理、车辆数据稽核等工作中提高议事决策水平和政治站位\n"
            "牢牢把握正确的政治方向，不断增强责任意识、阵地意识\n"
            "不同层面实现党建工作与收费运营工作的深度融合\n"
            "通过开展“党员先锋示范岗”创建活动，营造学有榜样、干有示范、赶有目标的良好氛围，推动各项工作提质增效"
        ),
        "problems": (
            "在建立完善工作机制方面，对考核办法的修订完善以及执行力度不够\n"
            "在特色党小组建设方面，各党小组工作措施不多、特色亮点不多\n"
            "在“党员先锋示范岗”创建方面，个别党员积极性和主动性不够高，日常工作中把自己等同于普通群众，"
            "大局意识、核心意识和看齐意识不够，不注重发挥先锋模范作用，存在精神缺钙的问题"
        ),
    },
    ("lsy", 2022): {"goals": "院党委“强基础、出精品、创一流”工作部署"},
}

STANDING_WORK = {
    "kl": [
        (
            2,
            "“模范机关”创建",
            "支部以“行业管理提升年”和“三比三促三提升”活动为抓手，坚决执行机关人员24小时值班制度和在岗时间外出报备制度，"
            "严查机关工作人员迟到早退现象；严肃查纠只说不做、以后再说、弄虚作假、推诿拖拉、消极怠工等不正之风；"
            "严肃查纠不作为、慢作为等不良风气；紧盯不敬畏、不在乎、喊口号、装样子的错误表现，"
            "不断推动党建工作与核心业务互促互进，全面提升支部党建工作水平。",
        )
    ],
}


def seed_profiles() -> None:
    branches = {org.code: org for org in Organisation.objects.filter(code__in=PROFILES)}
    for code, values in PROFILES.items():
        branch = branches[code]
        profile, created = BranchProfile.objects.get_or_create(branch=branch, defaults=values)
        changed = [name for name, value in values.items() if getattr(profile, name) != value]
        if changed:
            for name in changed:
                setattr(profile, name, values[name])
            profile.save()
        for (year_code, year), year_values in YEARS.items():
            if year_code == code:
                ProfileYear.objects.update_or_create(branch=branch, year=year, defaults=year_values)
        for order, (section, title, measures) in enumerate(STANDING_WORK.get(code, []), start=1):
            StandingWork.objects.update_or_create(
                branch=branch, title=title, defaults={"section": section, "measures": measures, "sort_order": order}
            )
        if created or changed:
            profile_changed(branch=branch)
