"""The inventory of personal data as the platform ships it (个人信息清单): one entry per field holding
personal information. `personal_data_inventory_sync` (after every migrate) makes a PersonalDataItem row
for each entry the database does not have yet; the county's data officer then keeps the rows (the
retention its archives rules set, who sees what in full). Data, not screens: written in Chinese, the
language the county's officer and its assessors read. A model that gains a personal-data field fails
tests/core/test_personal_data.py until it is listed here.
"""

_STAFF = "本人；所在辖区的县、乡管理员（账号管理）"
_REQUEST_FULL = "承办部门的办理人员（核对材料、出具结果）"
_HOUSEHOLD_FULL = "本网格联络员、所在站点代办员、辖区县乡管理员（逐次记录查看）"
_REQUEST_RETENTION = "办结后按县档案规定保存（默认 3 年），到期匿名化"
_HOUSEHOLD_RETENTION = "户籍迁出或注销后 1 年匿名化：户内成员删除，户主姓名遮盖，电话和关爱标记清除（规则 households）"
_SMS_RETENTION = "发送后 180 天遮盖号码、清空正文（规则 sms_texts）；验证码短信 30 天（规则 sms_codes）"
_CARE_FULL = "关爱热线话务员、所在服务站代办员（柜台登记来电）、负责的网格联络员；接单服务方仅在接单后看到上门所需信息（逐次记录查看）"
_CARE_RETENTION = "退出关爱名单后 1 年匿名化：姓名、电话遮盖，身体状况清除，紧急联系人删除（规则 care_residents）"
_CARE_CALL_RETENTION = "服务结束后 3 年清空（规则 care_calls）；单号、日期、评分和金额按会计档案规定保存"
_ACCOUNT_RETENTION = "居民账号 3 年未登录即匿名化并停用（规则 inactive_accounts）；工作人员账号按人事档案规定保存"


def _entry(field, category, purpose, legal_basis, full_view, retention, *, masked=True, sensitive=False):
    return {"field": field, "category": category, "purpose": purpose, "legal_basis": legal_basis,
            "full_view": full_view, "retention": retention, "masked_in_lists": masked, "sensitive": sensitive}


INVENTORY = [
    # accounts
    _entry("accounts.User.full_name", "name", "识别工作人员和申请人账号", "contract", _STAFF, _ACCOUNT_RETENTION),
    _entry("accounts.User.phone", "phone", "短信验证码登录、找回密码、办理进度通知", "contract", _STAFF,
           _ACCOUNT_RETENTION),
    # core
    _entry("core.SmsOutboxMessage.phone", "phone", "发送办理进度和取件短信", "state_organ",
           "系统管理员（排查发送故障）", _SMS_RETENTION),
    _entry("core.SmsOutboxMessage.text", "message", "短信正文（一次性密码已遮盖）", "state_organ",
           "系统管理员（排查发送故障）", _SMS_RETENTION),
    _entry("core.SmsOutboxMessage.params", "message", "短信模板参数（姓名已遮盖，一次性密码已遮盖）", "state_organ",
           "系统管理员（排查发送故障）", _SMS_RETENTION),
    # stations: the household register of the grids
    _entry("stations.Household.head_name", "name", "网格走访和民情联系", "state_organ", _HOUSEHOLD_FULL,
           _HOUSEHOLD_RETENTION),
    _entry("stations.Household.phone", "phone", "网格走访和民情联系", "state_organ", _HOUSEHOLD_FULL,
           _HOUSEHOLD_RETENTION),
    _entry("stations.Household.elderly_alone", "health", "关爱独居老人（上门服务、应急响应）", "state_organ",
           _HOUSEHOLD_FULL, _HOUSEHOLD_RETENTION, sensitive=True),
    _entry("stations.Household.disabled_member", "health", "关爱残疾人家庭", "state_organ", _HOUSEHOLD_FULL,
           _HOUSEHOLD_RETENTION, sensitive=True),
    _entry("stations.Household.low_income", "other", "低收入家庭帮扶", "state_organ", _HOUSEHOLD_FULL,
           _HOUSEHOLD_RETENTION, sensitive=True),
    _entry("stations.HouseholdMember.name", "name", "户内成员登记", "state_organ", _HOUSEHOLD_FULL,
           _HOUSEHOLD_RETENTION),
    _entry("stations.HouseholdMember.id_number", "id_number", "核实身份、代办政务事项", "state_organ",
           _HOUSEHOLD_FULL, _HOUSEHOLD_RETENTION, sensitive=True),
    _entry("stations.HouseholdMember.phone", "phone", "网格走访和民情联系", "state_organ", _HOUSEHOLD_FULL,
           _HOUSEHOLD_RETENTION),
    _entry("stations.HouseholdMember.relation", "other", "户内关系登记", "state_organ", _HOUSEHOLD_FULL,
           _HOUSEHOLD_RETENTION),
    # gov_services: requests and certificates
    _entry("gov_services.Rating.officer_score", "other", "群众对承办人员的评价（考核到人）", "state_organ",
           "本人、所在部门负责人、县乡督办管理员", "考核年度结束后 3 年", masked=False),
    _entry("gov_services.OfficialSeal.image", "document", "工作人员个人电子名章（签发电子证照）", "state_organ",
           "部门负责人、县级管理员（仅系统加盖）", "停用后按档案规定保存", masked=False),
    _entry("gov_services.ServiceRequest.applicant_name", "name", "受理和办理政务申请", "state_organ",
           _REQUEST_FULL, _REQUEST_RETENTION),
    _entry("gov_services.ServiceRequest.applicant_id_number", "id_number", "核实申请人身份、出具证明",
           "state_organ", _REQUEST_FULL, _REQUEST_RETENTION, sensitive=True),
    _entry("gov_services.ServiceRequest.applicant_phone", "phone", "办理进度短信、回访", "state_organ",
           "承办部门、代办站点、督办回访人员（逐次记录查看）", _REQUEST_RETENTION),
    _entry("gov_services.WeChatConversation.phone", "phone",
           "群众通过县政务公众号反映问题时留下的手机号（提交前的草稿）", "state_organ",
           "无人查看：提交后随诉求转入办件，草稿清空", "提交或取消即清空（未完成的草稿留到群众再发消息，暂无定期清理）"),
    _entry("gov_services.ServiceRequest.signature", "document", "申请人手写签名确认", "state_organ",
           _REQUEST_FULL, _REQUEST_RETENTION, sensitive=True),
    _entry("gov_services.ServiceRequest.latitude", "location", "问题所在位置（群众反映）", "consent",
           _REQUEST_FULL, _REQUEST_RETENTION),
    _entry("gov_services.ServiceRequest.longitude", "location", "问题所在位置（群众反映）", "consent",
           _REQUEST_FULL, _REQUEST_RETENTION),
    _entry("gov_services.ServiceRequest.form_data", "other", "电子表单内容（可能含身份证号、电话）", "state_organ",
           _REQUEST_FULL, _REQUEST_RETENTION),
    _entry("gov_services.Attachment.file", "document", "申请材料扫描件", "state_organ", _REQUEST_FULL,
           _REQUEST_RETENTION, sensitive=True),
    _entry("gov_services.ApplicationDraft.fields", "other", "代办申请草稿：已填写的申请人信息和电子表单（出错或断网不丢失）",
           "state_organ", "填写草稿的代办员本人及所在站点代办员", "提交即删除；未提交的草稿 3 天后删除"),
    _entry("gov_services.ApplicationDraft.signature", "document", "代办申请草稿中的申请人签名", "state_organ",
           "填写草稿的代办员本人及所在站点代办员", "提交即删除；未提交的草稿 3 天后删除", sensitive=True),
    _entry("gov_services.DraftScan.thumbnail", "document", "代办申请草稿中扫描件的缩略图（表单上显示）", "state_organ",
           "填写草稿的代办员本人及所在站点代办员", "提交即删除；未提交的草稿 3 天后删除", sensitive=True),
    _entry("gov_services.DraftScan.file", "document", "代办申请草稿中的材料扫描件", "state_organ",
           "填写草稿的代办员本人及所在站点代办员", "提交即删除；未提交的草稿 3 天后删除", sensitive=True),
    _entry("gov_services.Certificate.holder_name", "name", "证明持有人", "state_organ", "承办部门、持有人本人",
           "按证明档案规定永久保存"),
    _entry("gov_services.Certificate.holder_id_masked", "id_number", "证明持有人（仅存遮盖后号码）", "state_organ",
           "—（不保存完整号码）", "按证明档案规定永久保存"),
    _entry("gov_services.Certificate.mail_address", "address", "邮寄证明", "contract", "承办部门（邮寄）",
           "寄出后 1 年删除"),
    # shop
    _entry("shop.MerchantApplication.contact_name", "name", "商家入驻审核联系", "contract", "县管理员（审核）",
           "审核结束后 3 年"),
    _entry("shop.MerchantApplication.contact_phone", "phone", "商家入驻审核联系", "contract", "县管理员（审核）",
           "审核结束后 3 年"),
    _entry("shop.MerchantApplication.address", "address", "商家经营地址核实", "contract", "县管理员（审核）",
           "审核结束后 3 年"),
    _entry("shop.Merchant.contact_name", "name", "会员商家联系", "contract", "县管理员", "退出后 3 年"),
    _entry("shop.Merchant.contact_phone", "phone", "会员商家联系", "contract", "县管理员", "退出后 3 年"),
    _entry("shop.Merchant.address", "address", "会员商家地址", "contract", "县管理员", "退出后 3 年"),
    _entry("shop.Fulfilment.address", "address", "商品配送", "contract", "配送商家、站点代办员", "签收后 1 年"),
    _entry("shop.Fulfilment.phone", "phone", "商品配送联系", "contract", "配送商家、站点代办员", "签收后 1 年"),
    _entry("shop.WalletBillImport.content", "other",
           "微信支付、支付宝日账单原文（含付款人标识 openid、遮盖的支付宝账号），用于与本方付款记录对账", "contract",
           "县管理员（对账）", "导入后 1 年"),
    # agency: a visit at the counter (one receipt for a resident's errands)
    _entry("agency.Visit.resident_name", "name", "来访办事登记、合并收据", "state_organ", "所在站点代办员",
           "来访结束后 1 年"),
    _entry("agency.Visit.resident_phone", "phone", "来访办事登记、查找待办事项", "state_organ", "所在站点代办员",
           "来访结束后 1 年"),
    _entry("agency.Visit.resident_id_number", "id_number", "来访办事登记、查找待办事项", "state_organ",
           "所在站点代办员", "来访结束后 1 年", sensitive=True),
    # care: vulnerable residents, their contacts, contracted responders
    _entry("care.CareResident.name", "name", "关爱对象登记、上门服务", "consent", _CARE_FULL, _CARE_RETENTION),
    _entry("care.CareResident.phone", "phone", "来电识别、回访和定期问候", "consent", _CARE_FULL, _CARE_RETENTION),
    _entry("care.CareResident.needs", "health", "上门服务需要知道的情况（行动、听力、用药）", "consent", _CARE_FULL,
           _CARE_RETENTION, sensitive=True),
    _entry("care.EmergencyContact.name", "name", "紧急情况通知联系人", "consent", _CARE_FULL, _CARE_RETENTION),
    _entry("care.EmergencyContact.phone", "phone", "紧急情况通知联系人", "consent", _CARE_FULL, _CARE_RETENTION),
    _entry("care.CareCall.description", "health", "求助内容（可能涉及身体状况）", "consent", _CARE_FULL,
           _CARE_CALL_RETENTION, sensitive=True),
    _entry("care.CareCall.completion_note", "other", "服务方的服务记录", "consent", _CARE_FULL, _CARE_CALL_RETENTION),
    _entry("care.CareCall.rating_note", "other", "关爱对象对服务的评价意见", "consent", _CARE_FULL,
           _CARE_CALL_RETENTION),
    _entry("care.CareCheckIn.note", "other", "定期问候记录", "consent", _CARE_FULL, _CARE_RETENTION),
    _entry("care.Responder.contact_name", "name", "签约服务方联系", "contract", "县乡管理员、关爱热线话务员",
           "合同终止后 3 年"),
    _entry("care.Responder.phone", "phone", "派单短信、服务联系", "contract", "县乡管理员、关爱热线话务员",
           "合同终止后 3 年"),
]
