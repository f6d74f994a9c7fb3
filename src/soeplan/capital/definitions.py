"""The definitions the capital figures rest on, as one record the office can change.

Every figure of :mod:`soeplan.capital` depends on choices the plan does not make for us: what
"state capital" (国有资本) is, which sectors count towards the 90 % layout floor, which amount the
securitisation rate (资产证券化率) is measured on, and what a blank state share means. They are
the fields of :class:`CapitalDefinition`; :data:`DEFAULT_DEFINITION` is what a run uses unless
told otherwise. ``docs/explanation/capital-definitions.md`` states each one and why.
"""

from __future__ import annotations

from enum import StrEnum

import attrs

from soeplan.registers.records import StrategicSector

__all__ = [
    "DEFAULT_DEFINITION",
    "STRATEGIC_SECTORS",
    "CapitalDefinition",
    "SecuritisationBasis",
    "StateCapitalBasis",
]

#: The three sectors of §二(三): 战略性新兴产业、现代服务业、基础设施建设与民生保障.
STRATEGIC_SECTORS: frozenset[StrategicSector] = frozenset(
    {StrategicSector.EMERGING, StrategicSector.MODERN_SERVICES, StrategicSector.INFRASTRUCTURE}
)


class StateCapitalBasis(StrEnum):
    """What an entity's state capital (国有资本) is."""

    #: net assets × the register's state ownership share (国有股权比例)
    EQUITY_SHARE = "equity-share"
    #: the whole of net assets, whatever the state's share (the consolidated view)
    NET_ASSETS = "net-assets"

    @property
    def zh(self) -> str:
        return "净资产 × 国有股权比例" if self is StateCapitalBasis.EQUITY_SHARE else "净资产"

    @property
    def en(self) -> str:
        return (
            "net assets × state ownership share"
            if self is StateCapitalBasis.EQUITY_SHARE
            else "net assets"
        )


class SecuritisationBasis(StrEnum):
    """The amount the securitisation rate compares: listed companies' over all entities'."""

    TOTAL_ASSETS = "total-assets"  #: 资产总额
    NET_ASSETS = "net-assets"  #: 净资产

    @property
    def indicator(self) -> str:
        return "total_assets" if self is SecuritisationBasis.TOTAL_ASSETS else "net_assets"

    @property
    def zh(self) -> str:
        return "资产总额" if self is SecuritisationBasis.TOTAL_ASSETS else "净资产"

    @property
    def en(self) -> str:
        return "total assets" if self is SecuritisationBasis.TOTAL_ASSETS else "net assets"


def _share(_: object, attribute: attrs.Attribute[float], value: float) -> None:
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"{attribute.name} must be a share between 0 and 1, not {value!r}")


@attrs.frozen(kw_only=True)
class CapitalDefinition:
    """The office's definitions for the capital figures (each a documented assumption).

    >>> from soeplan import CapitalDefinition
    >>> d = CapitalDefinition()
    >>> d.state_capital.zh, d.use_reported, d.missing_share, d.securitisation.zh
    ('净资产 × 国有股权比例', True, 1.0, '资产总额')
    >>> CapitalDefinition(missing_share=1.5)
    Traceback (most recent call last):
    ...
    ValueError: missing_share must be a share between 0 and 1, not 1.5
    """

    state_capital: StateCapitalBasis = StateCapitalBasis.EQUITY_SHARE
    #: take an entity's reported 国有资本权益 (indicator ``state_equity``) where it has one
    use_reported: bool = True
    #: the state share of an entity whose register leaves it blank (1.0: wholly state-owned)
    missing_share: float = attrs.field(default=1.0, validator=_share)
    securitisation: SecuritisationBasis = SecuritisationBasis.TOTAL_ASSETS
    strategic: frozenset[StrategicSector] = STRATEGIC_SECTORS

    def describe(self, lang: str = "zh") -> str:
        """The definition in one line, as the report states it."""
        if lang == "zh":
            reported = "；报送国有资本权益的以报送数为准" if self.use_reported else ""
            return (
                f"国有资本 = {self.state_capital.zh}{reported}；未填国有股权比例的按 "
                f"{self.missing_share:.0%} 计；资产证券化率按{self.securitisation.zh}口径"
            )
        reported = "; a reported state equity is used where given" if (self.use_reported) else ""
        return (
            f"state capital = {self.state_capital.en}{reported}; a blank state share counts as "
            f"{self.missing_share:.0%}; securitisation rate on {self.securitisation.en}"
        )


#: The definitions soeplan uses unless the office chooses others: state capital = net assets ×
#: the register's state share (a reported state_equity where given), securitisation on total
#: assets (docs/explanation/capital-definitions.md).
DEFAULT_DEFINITION = CapitalDefinition()
