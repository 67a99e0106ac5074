"""The audit trail's pages: the organization's log (HR and admins see everything, anyone else their own
records), one record's history, and the log as CSV."""

from __future__ import annotations

from collections.abc import Iterator

from django import forms
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from alliance import tenancy
from alliance.exports import streaming_csv
from alliance.history.selectors import (
    PAGE_SIZE,
    SEARCH_MAX,
    Cursor,
    HistoryFilter,
    InvalidCursor,
    access_record,
    history_page,
    sees_everything,
    visible_records,
)
from alliance.http import OrgRequest

CSV_BATCH = 500
CSV_HEADER = ["When (UTC)", "Who", "Source", "Record type", "Record", "Record id", "Action", "Field", "From", "To"]


class HistoryFilterForm(forms.Form):
    q = forms.CharField(label="Record", max_length=SEARCH_MAX, required=False,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": "A name, a tour's title…"}))
    who = forms.CharField(label="Changed by", max_length=SEARCH_MAX, required=False,
                          widget=forms.TextInput(attrs={"type": "search", "placeholder": "Name or e-mail"}))
    record_type = forms.ChoiceField(label="Kind of record", required=False)
    since = forms.DateField(label="From", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label="Until", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, viewer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["record_type"].choices = [("", "Any kind")] + [
            (key, record.label) for key, record in visible_records(viewer).items()]
        self.show_who = sees_everything(viewer)
        if not self.show_who:
            del self.fields["who"]

    def filters(self) -> HistoryFilter:
        data = self.cleaned_data if self.is_valid() else {}
        return HistoryFilter(record_type=data.get("record_type") or "", who=(data.get("who") or "").strip(),
                             q=(data.get("q") or "").strip(), since=data.get("since"), until=data.get("until"))


def _cursor(request: OrgRequest) -> Cursor | None:
    text = request.GET.get("after", "")
    if not text:
        return None
    try:
        return Cursor.decode(text[:200])
    except InvalidCursor:
        raise Http404("No such page of the log.") from None


def _query_without_cursor(request: OrgRequest) -> str:
    query = request.GET.copy()
    query.pop("after", None)
    return query.urlencode()


@require_GET
def history_log(request: OrgRequest, org_slug: str) -> HttpResponse:
    form = HistoryFilterForm(request.GET or None, viewer=request.member)
    page = history_page(viewer=request.member, filters=form.filters(), after=_cursor(request), limit=PAGE_SIZE)
    context = {"form": form, "page": page, "query": _query_without_cursor(request),
               "sees_everything": sees_everything(request.member), "paged": bool(request.GET.get("after"))}
    template = "alliance/history.html#entries" if request.htmx else "alliance/history.html"
    return render(request, template, context)


@require_GET
def history_record(request: OrgRequest, org_slug: str, record_type: str, record_id: int) -> HttpResponse:
    record = access_record(request.member, record_type, record_id)
    filters = HistoryFilter(record_type=record.key, record_id=record_id)
    page = history_page(viewer=request.member, filters=filters, after=_cursor(request), limit=PAGE_SIZE)
    context = {"record": record, "record_id": record_id, "page": page, "query": _query_without_cursor(request),
               "paged": bool(request.GET.get("after")),
               "record_label": page.entries[0].record_label if page.entries else f"{record.label} #{record_id}",
               "record_url": page.entries[0].record_url if page.entries else ""}
    return render(request, "alliance/history_record.html", context)


@require_GET
def history_export(request: OrgRequest, org_slug: str) -> HttpResponse:
    """The log as the viewer sees it with these filters, every page of it, one row per changed field."""
    form = HistoryFilterForm(request.GET or None, viewer=request.member)
    return streaming_csv("history.csv", CSV_HEADER, _csv_rows(request.member, form.filters()))


def _csv_rows(viewer, filters: HistoryFilter) -> Iterator[list]:
    after = None
    while True:
        # Read while the response streams, after the request's transaction: each batch in its own.
        with tenancy.tenant_context(viewer.organization_id):
            page = history_page(viewer=viewer, filters=filters, after=after, limit=CSV_BATCH)
        for entry in page.entries:
            head = [entry.at.isoformat(), entry.actor, entry.source, entry.record_type_label, entry.record_label,
                    entry.record_id, entry.action]
            if not entry.changes:
                yield [*head, "", "", ""]
            for change in entry.changes:
                yield [*head, change.label, change.old.text, change.new.text]
        if page.next_cursor is None:
            return
        after = page.next_cursor
