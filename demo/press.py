"""The press and the public around the demo: media reports and the public's submissions."""

from __future__ import annotations

import datetime

from demo.base import DemoBase
from demo.tables import BATCHES
from publicity.enums import SubmissionKind, SubmissionStatus
from publicity.models import Batch, Entry, MediaReport, Submission
from rectification.enums import CaseStatus

FIRST_BATCH = BATCHES[0]


class PressMixin(DemoBase):
    def create_media_reports(self, batches: list[Batch], entries: list[Entry]) -> None:
        def pick(batch: Batch, status: CaseStatus, count: int) -> list[Entry]:
            found = [
                e for e in entries if e.batch_id == batch.pk and e.case and e.case.status == status
            ]
            return found[:count]

        first, last = batches[0], batches[-1]
        batch_2009_1 = next(b for b in batches if b.year == 2009 and b.number == 1)
        batch_2009_last = max((b for b in batches if b.year == 2009), key=lambda b: b.number or 0)
        reports = [
            (
                MediaReport(
                    outlet="惠州日报",
                    date=FIRST_BATCH.published_on,
                    headline="市安监局公示曝光首批178家存在违法违规行为和重大事故隐患的生产经营单位",
                    batch=first,
                ),
                [],
            ),
            (
                MediaReport(
                    outlet="东江时报",
                    date=datetime.date(2008, 10, 16),
                    headline="曝光之后：多家被曝光单位主动整改并申请复查",
                    batch=first,
                ),
                pick(first, CaseStatus.RECTIFIED, 3),
            ),
            (
                MediaReport(
                    outlet="惠州电视台",
                    date=datetime.date(2009, 4, 8),
                    headline="追踪曝光单位整改：取缔关停的不能死灰复燃",
                    batch=batch_2009_1,
                ),
                pick(batch_2009_1, CaseStatus.CLOSURE_VERIFIED, 2),
            ),
            (
                MediaReport(
                    outlet="惠州日报",
                    date=datetime.date(2009, 12, 4),
                    headline="今年我市分五批公示曝光存在重大事故隐患的生产经营单位",
                    batch=batch_2009_last,
                ),
                [],
            ),
            (
                MediaReport(
                    outlet="东江时报",
                    date=datetime.date(2010, 12, 3),
                    headline="两年公示曝光347家单位 我市事故起数和死亡人数同比双下降",
                    batch=last,
                ),
                pick(last, CaseStatus.RECTIFIED, 2),
            ),
        ]
        MediaReport.objects.bulk_create([report for report, _ in reports])
        MediaReport.entries.through.objects.bulk_create(
            MediaReport.entries.through(mediareport_id=report.pk, entry_id=entry.pk)
            for report, linked in reports
            for entry in linked
        )

    def create_submissions(self) -> None:
        inspector, official = self.users["inspector"], self.users["official"]
        districts = {d.code: d for d in self.districts}
        # (kind, day, subject, body, unit, district, name, contact, status, reply)
        specs = [
            (SubmissionKind.REPORT, datetime.date(2008, 10, 8), "举报无证烟花爆竹销售点",
             "横沥镇圩镇一家杂货店在店内堆放大量烟花爆竹，店主一家住在楼上。", "", "441302",
             "", "", SubmissionStatus.CLOSED,
             "经查属实，已依法取缔该非法销售点，没收非法储存的烟花爆竹。感谢您的举报。"),
            (SubmissionKind.CONSULTATION, datetime.date(2008, 10, 20),
             "被公示曝光的单位整改后如何申请复查？",
             "我厂在首批名单中，现已完成整改，请问应向哪个部门申请复查？", "", "441303",
             "陈先生", "chen@gongshi.example", SubmissionStatus.ANSWERED,
             "整改完成后，请向公告所列的跟踪整改责任单位提交整改报告并申请复查，复查合格后将在网上更新整改状态。"),
            (SubmissionKind.REPORT, datetime.date(2009, 3, 2), "举报采石场夜间违规爆破",
             "石湾镇附近山上的石场经常在夜间放炮，飞石落到村道上。", "", "441322",
             "", "", SubmissionStatus.IN_PROGRESS, ""),
            (SubmissionKind.CONSULTATION, datetime.date(2009, 6, 15), "公示曝光信息会保留多久？",
             "被曝光的单位信息会一直挂在网上吗？", "", None,
             "", "", SubmissionStatus.ANSWERED,
             "公示期一般为三年；整改经复查合格满十二个月的，可申请提前移出公示名单。"),
            (SubmissionKind.REPORT, datetime.date(2009, 8, 30), "举报出租屋内非法加工五金",
             "陈江街道某出租屋一楼加工五金，二楼三楼住人，只有一个楼梯。", "", "441372",
             "王女士", "0752-0000000", SubmissionStatus.CLOSED,
             "经核查，该处为“三合一”场所，已责令停产整改并纳入公示曝光。"),
            (SubmissionKind.CONSULTATION, datetime.date(2010, 1, 12),
             "如何查询一个单位是否被曝光？",
             "想租厂房，想先查一下房东之前的租户有没有被曝光。", "", None,
             "", "", SubmissionStatus.ANSWERED,
             "可在本网站曝光名单中按单位名称或统一社会信用代码查询，也可按县区、行业筛选。"),
            (SubmissionKind.REPORT, datetime.date(2010, 5, 18), "举报液化气非法充装点",
             "澳头街道有人用大瓶往小瓶倒灌液化气。", "", "441371",
             "", "", SubmissionStatus.RECEIVED, ""),
            (SubmissionKind.REPORT, datetime.date(2010, 10, 9), "举报工地高处作业无防护",
             "江北一工地外墙施工的工人没有系安全带，也没有安全网。", "", "441302",
             "李先生", "li@gongshi.example", SubmissionStatus.ANSWERED,
             "已转市住房和城乡建设局核查，该工地已停工整改。"),
        ]  # fmt: skip
        submissions = []
        sequence: dict[int, int] = {}
        for kind, day, subject, body, unit, district, name, contact, status, reply in specs:
            sequence[day.year] = sequence.get(day.year, 0) + 1
            created = self.at(day, 11)
            submissions.append(
                Submission(
                    kind=kind,
                    tracking_code=f"GS-{day.year}-{sequence[day.year]:04d}",
                    subject=subject,
                    body=body,
                    unit_name=unit,
                    district=districts[district] if district else None,
                    is_anonymous=not name,
                    submitter_name=name,
                    submitter_contact=contact,
                    status=status,
                    assigned_to=(
                        None
                        if status == SubmissionStatus.RECEIVED
                        else inspector
                        if kind == SubmissionKind.REPORT
                        else official
                    ),
                    public_reply=reply,
                    replied_at=self.at(day + datetime.timedelta(days=6), 16) if reply else None,
                    created_at=created,
                )
            )
        Submission.objects.bulk_create(submissions)
