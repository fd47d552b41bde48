"""The cases' histories, made by the rectification app's own services at their dates.

Each case was opened by ``case_open`` when its batch was published (demo.publishing), so its
goal and first event are the domain's. Progress, re-inspection applications, re-inspections,
extensions and supervision go through the named case services with the clock set to the day
they happened (time-machine); the reminders and escalations of the cases still open come from
the daily sweep (``reminders_sweep``) run on the historical days it would have run.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.contrib.auth.models import User
from django.test.utils import override_settings

from demo.base import DemoBase, cn_date
from demo.units import Exposure, Track
from publicity.models import Batch, Entry
from rectification.enums import CaseGoal
from rectification.models import Case, InboxMessage
from rectification.reminders import reminders_sweep
from rectification.services import (
    case_extend_deadline,
    case_record_progress,
    case_reinspect,
    case_request_reinspection,
    case_supervise,
    inbox_mark_read,
)
from registry.enums import Disposition

_DAY = datetime.timedelta(days=1)


class CasesMixin(DemoBase):
    def run_histories(self, published: list[tuple[Batch, list[tuple[Entry, Exposure]]]]) -> None:
        for _batch, entries in published:
            for entry, exposure in entries:
                assert entry.case is not None  # noqa: S101 - opened by batch_publish
                self._history(entry.case, track=exposure.track)
        self._sweep_history()

    def _liaison(self, case: Case) -> User:
        return self.liaisons[case.department.code]

    def _history(self, case: Case, *, track: Track) -> None:
        inspector = self.users[self.INSPECTOR]
        opened = case.opened_on
        span = (case.deadline - opened).days
        if case.goal == CaseGoal.VERIFY_CLOSURE and track == Track.DONE:
            closed = opened + self.rng.randint(3, span + 10) * _DAY
            text = (
                "复查核实：非法生产经营场所已取缔，设备和物品已清除，未发现死灰复燃。"
                if case.disposition == Disposition.BANNED
                else "复查核实：已依法关闭，相关证照已注销，生产设施已拆除。"
            )
            with self.on(closed, 15):
                case_reinspect(case=case, actor=inspector, passed=True, text=text)
            return
        if case.goal == CaseGoal.RECTIFY and track != Track.OVERDUE and track != Track.EXTENDED:
            self._rectification(case, track=track, span=span)
            return
        if track == Track.EXTENDED:
            # Given more time lately; the overdue ones are left to the historical sweeps.
            extended_on = self.today - self.rng.randint(1, 10) * _DAY
            new_deadline = self.today + self.rng.randint(7, 45) * _DAY
            with self.on(extended_on, 15):
                case_extend_deadline(
                    case=case,
                    actor=self.users[self.APPROVERS[0]],
                    new_deadline=new_deadline,
                    reason=f"整改工程量较大，经审核同意延长整改期限至{cn_date(new_deadline)}。",
                )

    def _rectification(self, case: Case, *, track: Track, span: int) -> None:
        inspector, liaison = self.users[self.INSPECTOR], self._liaison(case)
        progress_on = case.opened_on + self.rng.randint(3, max(4, span // 3)) * _DAY
        with self.on(progress_on, 15):
            case_record_progress(
                case=case,
                actor=liaison,
                is_public=True,
                text=self.rng.choice(
                    [
                        "单位已制定整改方案，落实整改资金和责任人。",
                        # 限期整改 units keep operating while they rectify.
                        "单位主要负责人已参加安全生产培训。"
                        if case.disposition == Disposition.RECTIFY_BY_DEADLINE
                        else "单位已停产整改，主要负责人参加安全生产培训。",
                        "单位已完成大部分隐患整改，剩余项目正在施工。",
                    ]
                ),
            )
        requested = progress_on + self.rng.randint(5, max(6, span)) * _DAY
        with self.on(requested, 15):
            case_request_reinspection(
                case=case, actor=liaison, text="单位提交整改报告，主动申请复查。"
            )
        if track == Track.REQUESTED:
            return
        if track == Track.DONE_AFTER_FAILURE:
            failed = requested + self.rng.randint(3, 7) * _DAY
            new_deadline = failed + 30 * _DAY
            with self.on(failed, 15):
                case_reinspect(
                    case=case,
                    actor=inspector,
                    passed=False,
                    new_deadline=new_deadline,
                    text=(
                        "复查不合格：部分隐患未整改到位，责令继续整改，整改期限延长至"
                        f"{cn_date(new_deadline)}。"
                    ),
                )
            requested = failed + self.rng.randint(10, 28) * _DAY
            with self.on(requested, 15):
                case_request_reinspection(
                    case=case, actor=liaison, text="单位再次提交整改报告，申请复查。"
                )
        passed = requested + self.rng.randint(3, 10) * _DAY
        with self.on(passed, 15):
            case_reinspect(
                case=case,
                actor=inspector,
                passed=True,
                text=(
                    "复查合格：隐患已按要求整改完毕。"
                    if case.disposition == Disposition.RECTIFY_BY_DEADLINE
                    else "复查合格：重大事故隐患已消除，安全生产条件符合要求，同意恢复生产经营。"
                ),
            )

    def _sweep_history(self) -> None:
        """Run the daily reminder sweep on the days it would have sent something to the city's
        cases still open, so their reminders and escalation stand where they would (long ago),
        and the supervisor followed each escalation up. The staff read those messages long ago.

        The sweep itself reads every city's cases: a city generated after another keeps its
        sweeps to days when none of the other's open cases is near its deadline."""
        overdue = list(
            Case.objects.active()
            .filter(
                deadline__lt=self.today, enterprise__jurisdiction__path__startswith=self.city.path
            )
            .select_related("department")
            .order_by("id")
        )
        offsets = [-d for d in settings.REMINDER_DAYS_BEFORE] + [
            1,
            settings.REMINDER_OVERDUE_EVERY_DAYS + 1,
            settings.ESCALATE_AFTER_OVERDUE_DAYS,
        ]
        days = sorted({case.deadline + offset * _DAY for case in overdue for offset in offsets})
        # The e-mails of 2010 went out in 2010: nothing leaves the machine at load time, and
        # the sweeps of 2010 do not log as if they ran today.
        sweep_log = logging.getLogger("rectification.reminders")
        level = sweep_log.level
        sweep_log.setLevel(logging.WARNING)
        try:
            with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
                for day in days:
                    with self.on(day, 7):
                        reminders_sweep(today=day)
        finally:
            sweep_log.setLevel(level)
        for case in overdue:
            case.refresh_from_db(fields=["escalated_at"])
            if case.escalated_at is None:
                continue
            supervised = case.escalated_at.date() + self.rng.randint(3, 10) * _DAY
            with self.on(supervised, 15):
                case_supervise(
                    case=case,
                    actor=self.users[self.SUPERVISOR],
                    text="市政府督查室挂牌督办，要求责任单位限期完成整改。",
                )
        readers = User.objects.filter(
            pk__in=InboxMessage.objects.values("recipient_id").distinct()
        ).order_by("pk")
        for user in readers:
            inbox_mark_read(user=user)
