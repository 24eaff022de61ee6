"""What an import did, for the operator: what it wrote, what it found written already, what it
could not carry over and what it carried changed, each counted with its reason."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from blog.moving.arrivals.records import Tally

PASSWORD_ADVICE = (
    'Each can set a password with "Forgot password?" on the sign-in page (/reset-password), '
    "which mails them a link; or set one for them with: flask blog set-password USERNAME"
)
PLACEHOLDER_ADVICE = (
    "An account whose address ends in @{domain} had none in the export: give it its owner's "
    "address (Admin → Users) before they ask for a link."
)

KINDS = (
    ("post", "posts", "imported before"),
    ("page", "pages", "imported before"),
    ("tag", "tags", "here already"),
    ("account", "authors' accounts", "existing accounts matched by e-mail"),
    ("comment", "comments", "imported before"),
    ("redirect", "redirects from old addresses", "there already"),
)


@dataclass
class Summary:
    source: str
    new: Counter = field(default_factory=Counter)
    """How many of each kind (:data:`KINDS`) the import wrote."""
    existing: Counter = field(default_factory=Counter)
    """How many of each kind it found written already, or matched."""
    left_behind: Tally = field(default_factory=Tally)
    changed: Tally = field(default_factory=Tally)
    new_accounts: list[tuple[str, str]] = field(default_factory=list)
    """(username, e-mail) of each account made for an author."""
    readers_account: str | None = None
    """The username the old blog's readers' comments were written under, if any were."""

    def lines(self, placeholder_domain: str) -> list[str]:
        lines = [f"Imported from {self.source}:"]
        for kind, label, existing in KINDS:
            lines.append(f"  {label}: {self.new[kind]} new, {self.existing[kind]} {existing}")
        lines += _tally("Not carried over", self.left_behind)
        lines += _tally("Carried over changed", self.changed)
        if self.new_accounts:
            lines.append("New accounts, which have no password yet:")
            lines += [f"  {username} <{email}>" for username, email in self.new_accounts]
            lines.append(f"  {PASSWORD_ADVICE}")
            if any(email.endswith("@" + placeholder_domain) for _, email in self.new_accounts):
                lines.append("  " + PLACEHOLDER_ADVICE.format(domain=placeholder_domain))
        if self.readers_account:
            lines.append(
                f"Readers' comments are under the account {self.readers_account} (disabled: "
                "no one signs in to it), each beginning with the name its writer gave."
            )
        return lines


def _tally(title: str, tally: Tally) -> list[str]:
    if not tally:
        return []
    lines = [f"{title} ({sum(tally.values())}):"]
    for (kind, reason), count in sorted(tally.items()):
        lines.append(f"  {count} {kind}: {reason}")
    return lines
