"""What the admin pages of every app share: records that are kept, never deleted;
records written elsewhere and only read here; rows shown on their parent's page;
changelists that never count a whole table; and the entered-in-error fieldset."""

from functools import cached_property, reduce
from operator import or_

from django.contrib import admin
from django.contrib.admin.utils import NotRelationField, get_fields_from_path
from django.contrib.admin.views.main import SEARCH_VAR
from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q
from django.utils.text import smart_split, unescape_string_literal
from django.utils.translation import gettext_lazy as _

# Collapsed: marking a record entered in error is rare, and says why.
ENTERED_IN_ERROR = (
    _("Entered in error"),
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

    def __init__(self, object_list, per_page, *args, counted=None, **kwargs):
        """`counted`: the rows already counted up to CAP + 1 by the caller (a
        page that counts several things in one query), so none is counted here."""
        super().__init__(object_list, per_page, *args, **kwargs)
        self.counted = counted

    @cached_property
    def count(self):
        rows = self.object_list
        if self.counted is not None:
            counted = self.counted
        elif hasattr(rows, "order_by"):
            # Unordered and without the page's annotations (a per-row total
            # would be computed for every row counted), the count stops at the
            # first CAP + 1 rows it finds.
            counted = rows.order_by().values("pk")[: self.CAP + 1].count()
        else:
            counted = len(rows[: self.CAP + 1])
        self.capped = counted > self.CAP
        return min(counted, self.CAP)


class SearchCountPaginator(CappedCountPaginator):
    """A search's results, counted up to 1,000: a name shared by thousands of
    patients matches tens of thousands of sessions, and counting them all costs
    what the page does many times over; past it the page says "more than
    1,000 results", and a longer search narrows them."""

    CAP = 1000


class CheapChangelist:
    """A changelist that costs the same at a hundred rows and a million: the
    count is capped (lower for a search), the unfiltered total and the facets
    are not counted, a page is 100 rows, and a search through a relation joins
    nothing."""

    paginator = CappedCountPaginator
    show_full_result_count = False
    list_per_page = 100
    # Facets count every filter's choices over the whole result.
    show_facets = admin.ShowFacets.NEVER

    def get_paginator(self, request, queryset, per_page, *args, **kwargs):
        if request.GET.get(SEARCH_VAR, "").strip():
            return SearchCountPaginator(queryset, per_page, *args, **kwargs)
        return super().get_paginator(request, queryset, per_page, *args, **kwargs)

    def get_search_results(self, request, queryset, search_term):
        """Django's search (each word matches one of the fields, icontains), but a
        field through a relation is asked as a subquery, not joined: through a
        foreign key "course__case__patient__family_name" is course_id IN (the
        courses whose case's patient matches), read once; through a reverse
        foreign key ("vials__lot_number") id IN (the vials' session ids), also
        read once (an Exists would probe the vials once per row scanned). A
        join would filter the whole joined table before the LIMIT, and a
        many-valued one find a row once per match (the DISTINCT Django then adds
        sorts the whole result).

        Each word may match a different related row of a many-valued relation
        (a join wants one row matching every word).
        """
        fields = [str(field) for field in self.get_search_fields(request)]
        if not _plain_paths(self.model, fields) or all("__" not in f for f in fields):
            return super().get_search_results(request, queryset, search_term)
        words = [_word_match(self.model, fields, w) for w in search_words(search_term)]
        if not words:
            return queryset, False
        return queryset.filter(Q.create(words)), False


def _plain_paths(model, fields: list[str]) -> bool:
    """Whether each search field is a plain path to a field (no ^ = @ prefix, no
    lookup): else Django's search is used."""
    for path in fields:
        if path[:1] in "^=@":
            return False
        try:
            chain = get_fields_from_path(model, path)
        except (FieldDoesNotExist, NotRelationField):
            return False
        if chain[-1].is_relation:
            return False
    return True


def _word_match(model, paths: list[str], word: str) -> Q:
    """Whether a row of model matches word in one of paths, each relation asked
    as a subquery."""
    by_hop: dict[str, list[str]] = {}
    for path in paths:
        hop, _, rest = path.partition("__")
        by_hop.setdefault(hop if rest else "", []).append(rest or hop)
    matches = [Q(**{f"{name}__icontains": word}) for name in by_hop.pop("", [])]
    for hop, rests in by_hop.items():
        relation = model._meta.get_field(hop)
        if relation.one_to_many:
            related = relation.related_model._default_manager
            inner = _word_match(related.model, rests, word)
            # The column the related rows point at: the primary key, or a to_field.
            target = relation.field.target_field.attname
            ids = related.filter(inner).values(relation.field.attname)
            matches.append(Q(**{f"{target}__in": ids}))
        elif relation.many_to_many:
            inner = Q.create(
                [(f"{hop}__{rest}__icontains", word) for rest in rests],
                connector=Q.OR,
            )
            rows = model._default_manager.filter(inner, pk=OuterRef("pk"))
            matches.append(Q(Exists(rows)))
        else:
            related = relation.related_model._default_manager
            inner = _word_match(related.model, rests, word)
            matches.append(Q(**{f"{hop}__in": related.filter(inner)}))
    return reduce(or_, matches)


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
