"""Words that carry no technical meaning in a need or a patent text, in one place.

Matching drops them from the terms it searches with and never offers them as a
shared "technical term" (reason texts, the match page, the listing page), since a
need and a patent that share only "方法" or "早期" have nothing in common a user
could act on. Two kinds:

* what every need says ("希望找到一种技术解决问题");
* patent language: the heads of almost every title (方法, 装置, 系统, 结构 …), the
  claim and abstract boilerplate (所述, 本发明, 涉及 …), and vague words of manner,
  degree and time (方式, 方面, 早期, 有效, 显著 …).

A term is technical when it names a thing, material, process or effect specific
enough to tell two fields apart (锂电池, 隔膜, 包覆, 育秧); when unsure whether a
word is generic, leave it out of here: a missing reason costs more than a weak one.
"""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


NEED_BOILERPLATE = _words(
    "希望 找到 技术 需要 解决 问题 提高 企业 我们 目前 进行 实现 相关 获得 寻求 合作 能够 "
    "现有 存在 提供 及其 以及 用于 包括 通过 需求 公司 产品 研发 开发 引进 升级 改进 "
    "难题 瓶颈 突破 急需 亟需 寻找 对接 转化"
)

PATENT_BOILERPLATE = _words(
    # Heads of titles: "一种……的方法/装置/系统", "……及其制备方法".
    "一种 方法 装置 系统 设备 结构 组件 部件 机构 模块 单元 工艺 制备 制造 生产 材料 "
    "器件 产品 组合 组合物 应用 用途 "
    # Claim and abstract language.
    "本发明 本实用新型 实用新型 发明 公开 涉及 所述 其中 包括 包含 具有 设有 设置 安装 "
    "连接 采用 利用 基于 根据 使得 从而 以便 由此 该 其特征 特征 在于 实施 实施例 步骤 "
    "技术领域 领域 背景 背景技术 目的 优点 特点 效果 有益 方案 技术方案 "
    # Manner, aspect, degree, time, place: nothing to match on.
    "方式 方面 多方 形式 类型 种类 情况 条件 状态 过程 作用 性能 功能 质量 效率 成本 "
    "早期 中期 后期 前期 初期 时间 时期 阶段 同时 然后 之间 之后 之前 以上 以下 "
    "有效 显著 良好 较好 较高 较低 简单 方便 快速 稳定 可靠 安全 广泛 一定 "
    "提升 降低 减少 增加 改善 保证 确保 满足 要求 "
    "第一 第二 第三 多个 若干 至少 一个 两个 部分 整体 表面 内部 外部 一端 另一端 "
    "上端 下端 位置 方向 范围 程度 数量 使用 可以 能够"
)

GENERIC_TERMS = NEED_BOILERPLATE | PATENT_BOILERPLATE


def is_generic(term: str) -> bool:
    """True for a word no match should be explained by (see the module docstring)."""
    return term in GENERIC_TERMS or len(term) < 2


def technical_terms(terms: list[str]) -> list[str]:
    """``terms`` without the generic ones, order kept."""
    return [t for t in terms if not is_generic(t)]
