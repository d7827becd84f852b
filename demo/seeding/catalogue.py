"""Demo service catalogue for `manage.py seed_demo`: ~40 items a county like Laoting offers.

Drawn from the seeds (Suning's 224-item catalogue with 88 items accepted at village level; the
errands Laoting's stations run for residents) and common county catalogues. Idempotent: items
are looked up by code and only missing ones are created. Runs after seed_departments.
"""

from gov_services.catalogue_io import parse_materials
from gov_services.models import Department, ServiceItem
from gov_services.services.catalogue import service_item_create

L, P, D, C = "licence", "public_service", "daily_management", "convenience"
V, CM, T, CY = "village", "community", "township", "county"

PURPOSE = {"name": "purpose", "type": "choice", "label": "用途", "required": True, "label_en": "Purpose",
           "choices": [["job", "就业"], ["school", "入学"], ["social_security", "社保"], ["other", "其他"]]}
PHONE = {"name": "contact_phone", "type": "phone", "label": "联系电话", "required": True, "label_en": "Contact phone"}
APPLICANT_ID = {"name": "applicant_id", "type": "id_number", "label": "申请人身份证号", "required": True,
                "label_en": "Applicant's ID number"}
BANK_ACCOUNT = {"name": "bank_account", "type": "text", "label": "社保卡或一卡通账号", "required": True,
                "label_en": "Bank account", "pattern": r"\d{16,19}", "pattern_message": "请填写16至19位数字账号"}
REASON = {"name": "reason", "type": "textarea", "label": "申请理由", "required": True, "max_length": 500,
          "label_en": "Reason"}

# code, name, department code, category, lowest level, legal days, promised days, fee (fen),
# certificate, online, materials (catalogue_io syntax), e-form, description
ITEMS = [
    # 县公安局
    ("LT-GAJ-01", "户籍证明", "LT-GAJ", P, V, 5, 1, 0, True, True,
     "身份证:原件;户口簿:原件", [PURPOSE, PHONE], "证明本人户籍信息，村级服务站可代办，派出所出具。"),
    ("LT-GAJ-02", "出生登记", "LT-GAJ", P, V, 20, 5, 0, True, False,
     "出生医学证明:原件;父母身份证:原件;父母户口簿:原件;结婚证:复印件:可选",
     [{"name": "child_name", "type": "text", "label": "新生儿姓名", "required": True, "max_length": 20},
      {"name": "sex", "type": "choice", "label": "性别", "required": True, "choices": [["m", "男"], ["f", "女"]]},
      {"name": "birth_date", "type": "date", "label": "出生日期", "required": True, "min": "2000-01-01"},
      {"name": "hospital", "type": "text", "label": "出生医院", "required": True},
      PHONE],
     "新生儿出生后一个月内申报户口。"),
    ("LT-GAJ-03", "居民身份证换领", "LT-GAJ", P, T, 60, 30, 2000, True, False,
     "户口簿:原件;原身份证:原件", [], "有效期满或证件损坏换领，工本费20元。"),
    ("LT-GAJ-04", "临时居民身份证办理", "LT-GAJ", P, T, 3, 1, 1000, True, False,
     "户口簿:原件", [], "工本费10元，当场或次日领取。"),
    ("LT-GAJ-05", "无犯罪记录证明", "LT-GAJ", P, T, 5, 3, 0, True, True,
     "身份证:原件;户口簿:复印件", [PURPOSE], ""),
    ("LT-GAJ-06", "居住证办理", "LT-GAJ", P, T, 15, 7, 0, True, False,
     "身份证:原件;居住证明:原件;照片:扫描件:必需:近期一寸白底免冠", [], ""),
    # 县民政局
    ("LT-MZJ-01", "最低生活保障申请", "LT-MZJ", P, V, 30, 20, 0, False, True,
     "身份证:复印件;户口簿:复印件;家庭收入证明:原件;低保申请书:原件:必需:村委会签字盖章",
     [{"name": "family_size", "type": "integer", "label": "家庭人口数", "label_en": "Household members",
       "required": True, "min": 1, "max": 20},
      {"name": "monthly_income", "type": "decimal", "label": "家庭月收入（元）", "label_en": "Monthly household income",
       "required": True, "min": 0, "max": 100000, "help": "全家每月各项收入合计"},
      {"name": "hardship", "type": "multichoice", "label": "困难类型", "choices": [
          ["illness", "因病"], ["disability", "因残"], ["elderly", "年老体弱"], ["disaster", "灾害"], ["other", "其他"]]},
      REASON, APPLICANT_ID, PHONE],
     "村（居）委会入户调查、民主评议后报乡镇审核、县民政局审批。"),
    ("LT-MZJ-02", "临时救助", "LT-MZJ", P, V, 10, 5, 0, False, True,
     "身份证:复印件;户口簿:复印件;相关证明材料:复印件:可选:医疗票据、火灾证明等",
     [{"name": "cause", "type": "choice", "label": "困难原因", "required": True,
       "choices": [["illness", "疾病"], ["fire", "火灾"], ["accident", "交通事故"], ["other", "其他"]]},
      {"name": "amount", "type": "decimal", "label": "申请金额（元）", "min": 0, "max": 50000},
      REASON, PHONE],
     "遭遇突发性、紧迫性、临时性生活困难的家庭。"),
    ("LT-MZJ-03", "特困人员救助供养", "LT-MZJ", P, V, 30, 20, 0, False, False,
     "身份证:复印件;户口簿:复印件;申请书:原件", [REASON], ""),
    ("LT-MZJ-04", "高龄津贴", "LT-MZJ", P, V, 20, 10, 0, False, True,
     "身份证:复印件;户口簿:复印件;社保卡:复印件",
     [{"name": "birth_date", "type": "date", "label": "出生日期", "required": True, "max": "1946-12-31"},
      BANK_ACCOUNT, PHONE],
     "80周岁以上老年人按月发放。"),
    ("LT-MZJ-05", "结婚登记", "LT-MZJ", L, CY, 1, 1, 0, True, False,
     "双方身份证:原件;双方户口簿:原件;照片:原件:必需:近期二寸双人合影3张", [], "当场办结，需双方本人到场。"),
    ("LT-MZJ-06", "惠民殡葬补贴", "LT-MZJ", P, V, 20, 10, 0, False, False,
     "死亡证明:原件;火化证明:复印件;经办人身份证:复印件", [BANK_ACCOUNT], ""),
    # 县人力资源和社会保障局
    ("LT-RSJ-01", "城乡居民基本养老保险参保登记", "LT-RSJ", P, V, 5, 2, 0, False, True,
     "身份证:复印件;户口簿:复印件",
     [{"name": "grade", "type": "choice", "label": "缴费档次（元/年）", "required": True,
       "choices": [["100", "100"], ["200", "200"], ["300", "300"], ["500", "500"], ["1000", "1000"]]},
      APPLICANT_ID, PHONE],
     "16周岁以上、未参加职工养老保险的城乡居民。"),
    ("LT-RSJ-02", "城乡居民养老保险待遇领取", "LT-RSJ", P, V, 20, 10, 0, False, False,
     "身份证:复印件;户口簿:复印件;社保卡:复印件", [BANK_ACCOUNT], "年满60周岁、累计缴费满15年。"),
    ("LT-RSJ-03", "就业创业证申领", "LT-RSJ", P, T, 5, 3, 0, True, True,
     "身份证:原件;照片:扫描件", [PHONE], ""),
    ("LT-RSJ-04", "失业登记", "LT-RSJ", P, T, 5, 1, 0, False, True,
     "身份证:原件;解除劳动合同证明:复印件:可选", [PHONE], ""),
    ("LT-RSJ-05", "职业技能培训报名", "LT-RSJ", C, V, 5, 3, 0, False, True,
     "身份证:复印件",
     [{"name": "course", "type": "choice", "label": "培训项目", "required": True,
       "choices": [["ecommerce", "电子商务"], ["cook", "中式烹调"], ["care", "养老护理"], ["welding", "电焊"]]},
      PHONE], ""),
    ("LT-RSJ-06", "社会保障卡补换", "LT-RSJ", P, T, 15, 7, 0, False, False,
     "身份证:原件;照片:扫描件", [], ""),
    # 县卫生健康局
    ("LT-WJJ-01", "生育登记", "LT-WJJ", P, V, 5, 1, 0, False, True,
     "夫妻双方身份证:复印件;户口簿:复印件;结婚证:复印件",
     [{"name": "child_order", "type": "choice", "label": "生育孩次", "required": True,
       "choices": [["1", "一孩"], ["2", "二孩"], ["3", "三孩"]]},
      {"name": "due_date", "type": "date", "label": "预产期"}, PHONE], ""),
    ("LT-WJJ-02", "农村部分计划生育家庭奖励扶助", "LT-WJJ", P, V, 30, 20, 0, False, False,
     "身份证:复印件;户口簿:复印件;结婚证:复印件", [], ""),
    ("LT-WJJ-03", "家庭医生签约服务", "LT-WJJ", C, V, 5, 1, 0, False, True,
     "身份证:复印件;医保卡:复印件:可选", [PHONE], "村卫生室乡村医生上门签约。"),
    ("LT-WJJ-04", "出生医学证明补发", "LT-WJJ", P, CY, 20, 10, 0, True, False,
     "父母身份证:原件;户口簿:复印件;住院病历:复印件", [], ""),
    # 县农业农村局
    ("LT-NYJ-01", "农机购置补贴", "LT-NYJ", P, V, 30, 15, 0, False, True,
     "身份证:复印件;购机发票:原件;机具照片:扫描件;银行卡:复印件",
     [{"name": "machine_type", "type": "choice", "label": "机具种类", "required": True,
       "choices": [["tractor", "拖拉机"], ["harvester", "收获机"], ["seeder", "播种机"], ["drone", "植保无人机"]]},
      {"name": "purchase_date", "type": "date", "label": "购机日期", "required": True},
      {"name": "price", "type": "decimal", "label": "购机价格（元）", "required": True, "min": 0},
      {"name": "invoice_no", "type": "text", "label": "发票号码", "required": True, "pattern": r"\d{8,20}",
       "pattern_message": "发票号码为8至20位数字"}],
     ""),
    ("LT-NYJ-02", "农村宅基地和建房（规划许可）审批", "LT-NYJ", L, V, 20, 15, 0, True, False,
     "建房申请书:原件;身份证:复印件;户口簿:复印件;建房承诺书:原件;建房设计图纸:扫描件;村民小组会议记录:原件",
     [{"name": "site_area", "type": "decimal", "label": "宅基地面积（平方米）", "required": True, "min": 0, "max": 500},
      {"name": "floors", "type": "integer", "label": "建房层数", "required": True, "min": 1, "max": 3},
      {"name": "household_size", "type": "integer", "label": "家庭人口", "required": True, "min": 1, "max": 30},
      {"name": "reason", "type": "choice", "label": "建房类型", "required": True,
       "choices": [["new", "新建"], ["rebuild", "翻建"], ["expand", "扩建"]]}],
     "一户一宅；村级受理，乡镇联审，县级备案。"),
    ("LT-NYJ-03", "耕地地力保护补贴", "LT-NYJ", P, V, 30, 20, 0, False, False,
     "身份证:复印件;土地承包经营权证:复印件;一卡通:复印件", [], ""),
    ("LT-NYJ-04", "土地承包经营权流转备案", "LT-NYJ", D, V, 10, 5, 0, False, False,
     "流转合同:原件;双方身份证:复印件;土地承包经营权证:复印件", [], ""),
    ("LT-NYJ-05", "动物防疫条件合格证", "LT-NYJ", L, CY, 20, 15, 0, True, False,
     "申请表:原件;场所平面图:扫描件;防疫制度:原件", [], ""),
    # 县自然资源和规划局
    ("LT-ZRJ-01", "乡村建设规划许可证", "LT-ZRJ", L, T, 20, 15, 0, True, False,
     "申请表:原件;宅基地批准文件:复印件;建设工程设计方案:扫描件", [], ""),
    ("LT-ZRJ-02", "不动产登记（农村房屋）", "LT-ZRJ", L, CY, 30, 10, 8000, True, False,
     "身份证:原件;户口簿:原件;宅基地批准文件:原件;房屋测绘报告:原件", [], "登记费80元。"),
    # 县市场监督管理局
    ("LT-SJJ-01", "个体工商户营业执照", "LT-SJJ", L, V, 15, 3, 0, True, True,
     "经营者身份证:原件;经营场所证明:复印件;照片:扫描件",
     [{"name": "business_name", "type": "text", "label": "字号名称", "max_length": 50},
      {"name": "scope", "type": "textarea", "label": "经营范围", "required": True, "max_length": 300},
      {"name": "capital", "type": "decimal", "label": "资金数额（万元）", "required": True, "min": 0},
      {"name": "premises", "type": "text", "label": "经营场所", "required": True}, PHONE],
     "设立登记，村级服务站代办，免费。"),
    ("LT-SJJ-02", "食品经营许可证", "LT-SJJ", L, CY, 20, 10, 0, True, True,
     "营业执照:复印件;经营场所平面图:扫描件;食品安全管理制度:原件;从业人员健康证:复印件", [], ""),
    ("LT-SJJ-03", "个体工商户年度报告代办", "LT-SJJ", D, V, 5, 2, 0, False, True,
     "营业执照:复印件", [], "每年1月1日至6月30日。"),
    # 县住房和城乡建设局
    ("LT-ZJJ-01", "农村危房改造申请", "LT-ZJJ", P, V, 30, 20, 0, False, False,
     "身份证:复印件;户口簿:复印件;房屋照片:扫描件;危房鉴定报告:原件:可选", [REASON], ""),
    # 县医疗保障局
    ("LT-YBJ-01", "新农合（城乡居民医保）报销", "LT-YBJ", P, V, 30, 15, 0, False, True,
     "身份证:复印件;医保卡:复印件;住院发票:原件;费用清单:原件;出院小结:复印件",
     [{"name": "hospital", "type": "text", "label": "就诊医院", "required": True},
      {"name": "admitted_on", "type": "date", "label": "入院日期", "required": True},
      {"name": "discharged_on", "type": "date", "label": "出院日期", "required": True},
      {"name": "total_cost", "type": "decimal", "label": "医疗总费用（元）", "required": True, "min": 0},
      BANK_ACCOUNT],
     "县外就医未直接结算的住院费用。"),
    ("LT-YBJ-02", "城乡居民医保参保登记", "LT-YBJ", P, V, 5, 1, 0, False, True,
     "身份证:复印件;户口簿:复印件", [APPLICANT_ID, PHONE], ""),
    ("LT-YBJ-03", "门诊慢特病待遇认定", "LT-YBJ", P, T, 20, 15, 0, True, False,
     "身份证:复印件;医保卡:复印件;诊断证明:原件;病历:复印件", [], ""),
    # 县残疾人联合会
    ("LT-CLJ-01", "残疾人证办理", "LT-CLJ", P, V, 20, 15, 0, True, False,
     "身份证:复印件;户口簿:复印件;照片:原件:必需:近期二寸免冠3张;医院诊断证明:原件:可选", [PHONE],
     "村级受理，县残联组织评定。"),
    ("LT-CLJ-02", "困难残疾人生活补贴和重度残疾人护理补贴", "LT-CLJ", P, V, 20, 10, 0, False, False,
     "残疾人证:复印件;户口簿:复印件;银行卡:复印件", [BANK_ACCOUNT], ""),
    # 乡镇便民服务中心
    ("LT-100-01", "居住证明", "LT-100-BM", D, V, 3, 1, 0, True, True,
     "身份证:原件;户口簿:复印件:可选", [PURPOSE], "村（居）委会核实后出具。"),
    ("LT-100-02", "路灯维修", "LT-100-BM", C, V, 5, 2, 0, False, True, "",
     [{"name": "location", "type": "text", "label": "故障位置", "required": True},
      {"name": "count", "type": "integer", "label": "故障路灯数", "min": 1, "max": 50}, PHONE], ""),
    ("LT-101-01", "有线电视故障报修", "LT-101-BM", C, V, 3, 1, 0, False, True, "",
     [{"name": "symptom", "type": "choice", "label": "故障现象", "required": True,
       "choices": [["no_signal", "无信号"], ["blurry", "画面不清"], ["no_sound", "无声音"]]},
      {"name": "address", "type": "text", "label": "住址", "required": True}, PHONE], ""),
    ("LT-102-01", "自来水报修", "LT-102-BM", C, V, 3, 1, 0, False, True, "",
     [{"name": "address", "type": "text", "label": "住址", "required": True}, PHONE], ""),
    ("LT-103-01", "村内道路维修", "LT-103-BM", D, V, 15, 10, 0, False, False,
     "现场照片:扫描件:可选", [{"name": "location", "type": "text", "label": "路段位置", "required": True}], ""),
    ("LT-104-01", "农村集体经济组织成员证明", "LT-104-BM", D, V, 5, 2, 0, True, False,
     "身份证:原件;户口簿:复印件", [PURPOSE], ""),
]


def seed_catalogue(demo, progress) -> None:
    """Create the demo catalogue items that are missing (by code). `demo` is demo.seeding.county.DemoCounty."""
    existing = set(ServiceItem.objects.filter(code__in=[row[0] for row in ITEMS]).values_list("code", flat=True))
    departments = {d.code: d for d in Department.objects.filter(region__path__startswith=demo.county.path)}
    for (code, name, department, category, level, legal, promised, fee_fen, certificate, online,
         materials, schema, description) in ITEMS:
        if code in existing or department not in departments:
            continue
        service_item_create(
            actor=None, code=code, name=name, department=departments[department], category=category,
            lowest_level=level, legal_limit_days=legal, promised_limit_days=promised, fee_fen=fee_fen,
            issues_certificate=certificate, online_allowed=online, form_schema=schema, description=description,
            materials=parse_materials(materials))
    progress.step("service catalogue")
