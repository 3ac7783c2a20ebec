"""Navigation demo for ``make run``: the industry chains, and landscape analyses
already run for the chains Hubei's demo cities build on, so their pages open
with figures instead of 未分析.

Analyses are requested through :func:`services.analysis_request` as the province
supervisor; seed_demo runs tasks inline, so each analysis has finished when the
request returns. A chain that already has an analysis (done, queued or
running) is not analysed again.
"""

from __future__ import annotations

from iphub.core.models import User
from iphub.navigation import services
from iphub.navigation.models import Analysis, AnalysisStatus, IndustryChain

# 光谷 (optical communication), batteries and robots: the chains of the demo
# enterprises in Wuhan, Yichang and Xiangyang.
DEMO_CHAINS = ["optical-communication", "power-battery", "intelligent-equipment"]
DEMO_ANALYST = "province_supervisor"


def demo_load() -> list[str]:
    """Load the chains and analyse the demo chains once; returns what happened."""
    lines = [f"新建产业链 {services.chains_load()} 条"]
    actor = User.objects.get(username=DEMO_ANALYST)
    for code in DEMO_CHAINS:
        chain = IndustryChain.objects.filter(code=code).first()
        if chain is None:
            continue
        if Analysis.objects.filter(chain=chain).exclude(status=AnalysisStatus.FAILED).exists():
            continue
        job = services.analysis_request(actor=actor, chain=chain)
        job.refresh_from_db()
        lines.append(f"{chain.name}：{job.get_status_display()}，专利 {job.patent_count} 件")
    return lines
