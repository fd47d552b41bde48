"""Staff roles, as Django groups. Their permissions are set by migration
publicity/0002_roles (and by later migrations when a role gains or loses one)."""

INSPECTOR = "inspector"  # 执法人员
OFFICIAL = "official"  # 审批领导
LIAISON = "department_liaison"  # 责任部门联络人
SUPERVISOR = "supervisor"  # 督查
ADMINISTRATOR = "administrator"  # 系统管理员

ALL = [INSPECTOR, OFFICIAL, LIAISON, SUPERVISOR, ADMINISTRATOR]
