"""The accounts an import's authors and commenters write under.

An author is the account with their e-mail address, whatever its case (as signing in finds
one), or a new account made for them with a username from their login or slug (the domain's
rules: :func:`blog.domain.users.available_username`) and no usable password: they set one with
"Forgot password?". An author the export gives no (valid) address gets a placeholder one at
:data:`PLACEHOLDER_DOMAIN` (a reserved name no mail reaches), for an admin to correct.

A comment is its author's when WordPress says an author wrote it signed in with their address;
any other is a reader's, written under one disabled account that holds the old blog's readers'
comments (a commenter's address was never checked, so no account is made or matched by it).
"""

from __future__ import annotations

from slugify import slugify

from blog.domain import users
from blog.domain.errors import ValidationError
from blog.models import User
from blog.models.user import BIO_MAX
from blog.moving.arrivals.records import Author, Comment, Export
from blog.moving.arrivals.summary import Summary

PLACEHOLDER_DOMAIN = "imported.example"


class Accounts:
    def __init__(self, export: Export, summary: Summary) -> None:
        self.export = export
        self.summary = summary
        self.accounts: dict[str, User] = {}
        self.source = export.origin.split("|", 1)[0]
        self._readers: User | None = None

    def _placeholder(self, name: str) -> str:
        return f"{slugify(name) or 'author'}@{PLACEHOLDER_DOMAIN}"

    def _address(self, author: Author) -> str:
        try:
            return users.clean_email(author.email) if author.email else ""
        except ValidationError:
            self.summary.changed.add("author's e-mail address", "not valid: a placeholder given")
            return ""

    def author(self, key: str | None) -> User:
        """The account of the export's author ``key`` (an author the export doesn't list is
        one with no address, made once)."""
        if key not in self.export.authors:
            key = key or "unknown"
            login = f"{self.source}-author"
            self.export.authors[key] = Author(key=key, login=login, name=login)
            self.summary.changed.add("post author", "not among the export's authors: one made")
        if key not in self.accounts:
            self.accounts[key] = self._account(self.export.authors[key])
        return self.accounts[key]

    def used(self, key: str) -> bool:
        return key in self.accounts

    def _account(self, author: Author) -> User:
        email = self._address(author) or self._placeholder(f"{self.source}-{author.key}")
        found = users.find_by_email(email)
        if found is not None:
            self.summary.existing["account"] += 1
            return found
        image = author.image
        try:
            users.clean_image_url(image)
        except ValidationError:
            image = None
        account = users.create_account_without_password(
            users.available_username(author.login),
            email,
            bio=author.bio[:BIO_MAX],
            image=image,
        )
        self.summary.new["account"] += 1
        self.summary.new_accounts.append((account.username, account.email))
        return account

    def commenter(self, comment: Comment) -> tuple[User, bool]:
        """The account a comment is written under, and whether it is its writer's own."""
        if comment.signed_in and comment.author_email:
            for key, author in self.export.authors.items():
                if author.email and author.email.lower() == comment.author_email.lower():
                    return self.author(key), True
        return self._readers_account(), False

    def _readers_account(self) -> User:
        if self._readers is None:
            name = f"{self.source}-readers"
            email = f"{name}@{PLACEHOLDER_DOMAIN}"
            self._readers = users.find_by_email(email) or users.create_account_without_password(
                users.available_username(name), email, disabled=True
            )
            self.summary.readers_account = self._readers.username
        return self._readers
