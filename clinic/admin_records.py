"""What the admin pages of every app share: records that are kept, never deleted;
records written elsewhere and only read here; rows shown on their parent's page;
changelists that never count a whole table; and the entered-in-error fieldset."""

from functools import cached_property, reduce
from operator import or_

from django.contrib import admin
from django.contrib.admin.utils import lookup_spawns_duplicates
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q
from django.utils.text import smart_split, unescape_string_literal

# Collapsed: marking a record entered in error is rare, and says why.
ENTERED_IN_ERROR = (
    "Entered in error",
    {
        "classes": ("collapse",),
        "fields": ("entered_in_error", "entered_in_error_reason"),
    },
)


class CappedCountPaginator(Paginator):
    """Counts at most CAP rows: Django's paginator counts the whole result on
    every page, which at a million sessions costs more than the page itself.

    The count runs over the result cut at CAP + 1 rows (SELECT COUNT(*) FROM
    (... LIMIT n)); past CAP, `capped` is set and the pages stop at CAP rows, and
    the templates say "more than CAP" instead of a wrong number.
    """

    CAP = 10_000
    capped = False

    @cached_property
    def count(self):
        counted = self.object_list[: self.CAP + 1].count()
        self.capped = counted > self.CAP
        return min(counted, self.CAP)


class CheapChangelist:
    """A changelist that costs the same at a hundred rows and a million: the
    count is capped, the unfiltered total is not counted, a page is 100 rows, and
    a search through a many-valued relation needs no DISTINCT."""

    paginator = CappedCountPaginator
    show_full_result_count = False
    list_per_page = 100

    def get_search_results(self, request, queryset, search_term):
        """Django's search, but a field through a many-valued relation (e.g.
        "vials__lot_number") is asked through Exists instead of joined: the join
        finds a row once per match, and the DISTINCT Django then adds sorts the
        whole result before the LIMIT.

        For plain field paths (icontains) only. Each word may match a different
        related row (a join wants one row matching every word).
        """
        fields = [str(field) for field in self.get_search_fields(request)]
        many = {f for f in fields if lookup_spawns_duplicates(self.opts, f)}
        if not many or any(f[:1] in "^=@" for f in fields):
            return super().get_search_results(request, queryset, search_term)
        words = [
            reduce(or_, (_word_match(self.model, f, word, f in many) for f in fields))
            for word in search_words(search_term)
        ]
        if not words:
            return queryset, False
        return queryset.filter(Q.create(words)), False


def _word_match(model, field: str, word: str, many: bool):
    lookup = {f"{field}__icontains": word}
    if not many:
        return Q(**lookup)
    return Exists(model._default_manager.filter(pk=OuterRef("pk"), **lookup))


def search_words(search_term: str) -> list[str]:
    """The words of a search as Django's admin splits them: on spaces, but a
    quoted phrase is one word."""
    return [
        unescape_string_literal(bit)
        if bit.startswith(('"', "'")) and bit[0] == bit[-1]
        else bit
        for bit in smart_split(search_term)
    ]


class NeverDeleted:
    """Records that are kept: not even a superuser deletes one from the admin, one
    at a time or in bulk."""

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


class WrittenElsewhere:
    """Records written elsewhere (a service, a clinician or scheduling page, where
    their rules are checked) and only read in the admin.

    For a model admin and an inline alike: an inline is also given its parent.
    """

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(CheapChangelist, WrittenElsewhere, NeverDeleted, admin.ModelAdmin):
    """Append-only records the application writes (logs, reminders sent): read
    here, never added, changed or deleted."""


class KeptRowsInline(admin.TabularInline):
    """A record's rows on its parent's page: no blank rows offered, none deleted
    (records are kept)."""

    extra = 0
    can_delete = False
