"""The workflow table of a bulk import of enterprises (core.workflow): uploaded, checked row by
row by a job, confirmed by the person who uploaded it, applied all or nothing by a job."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.workflow import SYSTEM, Context, Move, Workflow, who
from registry.errors import RegistryError
from registry.models import EnterpriseImport

Status = EnterpriseImport.Status


def _uploader(context: Context[EnterpriseImport]) -> str | None:
    # An import is its uploader's: nobody else sees its rows before they are written.
    if context.actor.pk != context.obj.uploaded_by_id:
        return _("只能确认自己上传的导入。")
    return None


def _refused(state: str, target: str) -> str:
    return _("这次导入不是待确认状态（%(status)s），不能确认。") % {"status": state}


IMPORT: Workflow[EnterpriseImport] = Workflow(
    name="enterprise_import",
    states=Status.choices,
    error=RegistryError,
    state_of=lambda enterprise_import: enterprise_import.status if enterprise_import.pk else None,
    refused=_refused,
    moves=[
        Move(
            "upload",
            (),
            Status.CHECKING,
            gettext_lazy("上传"),
            permission="registry.add_enterprise",
            effects=(gettext_lazy("逐行检查任务"),),
        ),
        Move("checked", (Status.CHECKING,), Status.READY, gettext_lazy("检查通过"), by=(SYSTEM,)),
        Move(
            "check_failed",
            (Status.CHECKING,),
            Status.INVALID,
            gettext_lazy("检查有错误"),
            by=(SYSTEM,),
        ),
        Move(
            "confirm",
            (Status.READY,),
            Status.APPLYING,
            gettext_lazy("确认导入"),
            permission="registry.change_enterprise",
            guards=(who(_uploader),),
            effects=(gettext_lazy("全部写入或全部不写的导入任务"),),
        ),
        Move("applied", (Status.APPLYING,), Status.APPLIED, gettext_lazy("已导入"), by=(SYSTEM,)),
        Move(
            "apply_failed",
            (Status.APPLYING,),
            Status.FAILED,
            gettext_lazy("导入失败"),
            by=(SYSTEM,),
        ),
    ],
)
