"""The member's fund, an expense and its receipts, the approvals queue."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from alliance import formtokens, uploads
from alliance.confirm import confirm_page, is_confirmed
from alliance.errors import ApplicationError
from alliance.forms import apply_application_error
from alliance.undo import offer_undo
from network_intel import rights, selectors, services
from network_intel.forms import ApproveForm, ExpenseForm, LinkNoteForm, ReceiptsForm, RefuseForm, ReportBackForm
from network_intel.models.expenses import Expense, Receipt
from network_intel.models.undo import UNDO_SECONDS
from network_intel.views._common import org_url

# --- The member's fund --------------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
def fund_home(request: HttpRequest, org_slug: str) -> HttpResponse:
    """Balance, the new-expense form (with receipts) and my expenses.

    The form carries a one-time token: receipts chosen in it are kept as soon as they arrive (checked and stored,
    tied to the token), so a form that comes back with an error shows them attached and they need not be chosen
    again; sending the form again after it succeeded (back button, reload) leads to what it made."""
    member = request.member
    made = formtokens.already_made(request)
    if made is not None:
        return redirect(made)
    token = formtokens.token_of(request)
    form = ExpenseForm(request.POST or None, request.FILES or None, member=member)
    if request.method == "POST":
        _keep_receipts(request, form, token)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            expense = services.expense_create(
                by=member, spent_on=data["spent_on"], kind=data["kind"], merchant=data["merchant"],
                amount=data["amount"], currency=data["currency"], purpose=data["purpose"],
                exchange_rate=data["exchange_rate"], contacts=list(data["contacts"]), met_names=data["met_names"],
                form_token=token, submit=request.POST.get("action") != "draft")
        except ApplicationError as error:
            apply_application_error(form, error)
        else:
            state = "submitted for approval" if expense.state == Expense.State.SUBMITTED else "saved as a draft"
            messages.success(request, f"Expense {state}.")
            formtokens.remember(request, org_url(request, "expense_detail", expense.pk))
            return _go(request, org_url(request, "expense_detail", expense.pk))
    context = {
        "form": form,
        "form_token": token,
        "attached": services.pending_receipts_of(member, token) if request.method == "POST" else [],
        "policy": selectors.fund_policy(member.organization_id),
        "balance": selectors.balance_of(member),
        "expenses": list(selectors.my_expenses(member)[:200]),
        "waiting": list(selectors.waiting_for_report_back(member).filter(member=member)),
    }
    return render(request, "network_intel/fund/home.html", context, status=400 if form.errors else 200)


def _keep_receipts(request: HttpRequest, form: ExpenseForm, token: str) -> None:
    """Take the receipts ticked "Remove" off the form, then keep the ones this POST brings (a refused file is the
    form's error, and none of this POST's files is kept)."""
    for pending_id in request.POST.getlist("remove_receipt")[:MAX_REMOVED]:
        if pending_id.isascii() and pending_id.isdigit() and len(pending_id) <= 18:
            services.pending_receipt_remove(by=request.member, form_token=token, pending_id=int(pending_id))
    files = request.FILES.getlist("receipts")
    if not files:
        return
    try:
        services.pending_receipts_add(by=request.member, form_token=token, files=files)
    except ApplicationError as error:
        form.is_valid()
        apply_application_error(form, error)
    else:
        form.files = {}  # kept: the form itself has none left to send


MAX_REMOVED = 10  # the most receipts one form holds (services.MAX_RECEIPTS)


def _go(request: HttpRequest, url: str) -> HttpResponse:
    """Where a form that succeeded leads. The receipt script sends the form itself (for its progress bar) and
    asks for the address rather than a redirect, so the page it then opens shows the success message."""
    if request.headers.get("X-Fund-Upload") == "1":
        response = HttpResponse(status=204)
        response["X-Fund-Location"] = url
        return response
    return redirect(url)


@require_GET
def expense_detail(request: HttpRequest, org_slug: str, expense_id: int) -> HttpResponse:
    expense = rights.access_expense(request.member, expense_id)
    return _detail(request, expense)


def _detail(request: HttpRequest, expense: Expense, status: int = 200, **forms) -> HttpResponse:
    member = request.member
    context = {
        "expense": expense,
        "receipts": list(Receipt.objects.for_org(member.organization_id).filter(expense=expense)),
        "contacts": list(expense.contacts.select_related("company")),
        "duplicates": list(selectors.possible_duplicates_of(expense)) if expense.possible_duplicate else [],
        "balance": selectors.balance_of(expense.member, day=expense.spent_on),
        "can_approve": rights.can_approve(member, expense),
        "can_withdraw": rights.can_withdraw(member, expense),
        "can_submit": rights.can_edit(member, expense),
        "can_add_receipt": rights.can_add_receipt(member, expense),
        "can_report_back": rights.can_report_back(member, expense),
        "can_reimburse": rights.can_reimburse(member, expense) and expense.note_id is not None,
        "approve_form": forms.get("approve_form") or ApproveForm(),
        "refuse_form": forms.get("refuse_form") or RefuseForm(),
        "note_form": forms.get("note_form") or ReportBackForm(initial={"title": f"What I learned at "
                                                                               f"{expense.merchant}"}),
        "receipts_form": forms.get("receipts_form") or ReceiptsForm(),
        "link_form": forms.get("link_form") or LinkNoteForm(notes=selectors.report_back_candidates(member)[:50]),
        "error": forms.get("error"),
    }
    return render(request, "network_intel/fund/expense.html", context, status=status)


# Irreversible actions on one expense ask first (alliance.confirm): question, button, what follows.
# Deleting a draft asks nothing: it can be undone for a minute instead (expense_restore).
ASK_FIRST = {
    "withdraw": ("Withdraw “{e.merchant}”?", "Withdraw it",
                 "It leaves the approver's queue and cannot be submitted again; log a new expense instead."),
}


@require_POST
def expense_action(request: HttpRequest, org_slug: str, expense_id: int, action: str) -> HttpResponse:
    """submit / delete / withdraw / approve / refuse / reimburse: one service each; refusals shown on the page."""
    member = request.member
    expense = rights.access_expense(member, expense_id)
    forms = {}
    if action in ASK_FIRST and rights.can_withdraw(member, expense) and not is_confirmed(request):
        question, label, detail = ASK_FIRST[action]
        return confirm_page(request, question=question.format(e=expense), action_label=label, detail=detail,
                            back_url=org_url(request, "expense_detail", expense.pk))
    try:
        if action == "submit":
            services.expense_submit(by=member, expense=expense)
            done = "Submitted for approval."
        elif action == "delete":
            services.expense_delete(by=member, expense=expense)
            offer_undo(request, f"The draft “{expense.merchant}” is deleted.",
                       undo_url=org_url(request, "expense_restore", expense.pk), seconds=UNDO_SECONDS)
            return redirect(org_url(request, "fund_home"))
        elif action == "withdraw":
            services.expense_withdraw(by=member, expense=expense)
            done = "Withdrawn."
        elif action == "approve":
            forms["approve_form"] = form = ApproveForm(request.POST)
            form.is_valid()
            services.expense_approve(by=member, expense=expense, **{k: bool(form.cleaned_data.get(k)) for k in
                                                                     ("acknowledge_over_budget", "not_duplicate")})
            done = "Approved."
        elif action == "refuse":
            forms["refuse_form"] = form = RefuseForm(request.POST)
            services.expense_refuse(by=member, expense=expense, reason=request.POST.get("reason", ""))
            done = "Refused; the member sees your reason."
        elif action == "reimburse":
            services.expense_reimburse(by=member, expense=expense)
            done = "Marked reimbursed."
        else:
            raise ApplicationError("Unknown action.")
    except ApplicationError as error:
        target = forms.get("approve_form") or forms.get("refuse_form")
        if target is not None:
            apply_application_error(target, error)
        forms["error"] = error.message
        status = getattr(error, "status_code", 400)
        return _detail(request, rights.access_expense(member, expense_id), status=status, **forms)
    messages.success(request, done)
    if action == "approve" and request.POST.get("next") == "queue":
        return redirect(org_url(request, "fund_approvals"))
    return redirect(org_url(request, "expense_detail", expense.pk))


@require_POST
def expense_restore(request: HttpRequest, org_slug: str, expense_id: int) -> HttpResponse:
    """The "Undo" of a deleted draft, within its minute."""
    try:
        expense = services.expense_restore(by=request.member, expense_id=expense_id)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect(org_url(request, "fund_home"))
    messages.success(request, f"The draft “{expense.merchant}” is back.")
    return redirect(org_url(request, "expense_detail", expense.pk))


@require_POST
def expense_receipts(request: HttpRequest, org_slug: str, expense_id: int) -> HttpResponse:
    expense = rights.access_expense(request.member, expense_id)
    form = ReceiptsForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.receipts_add(by=request.member, expense=expense, files=form.cleaned_data["receipts"])
        except ApplicationError as error:
            apply_application_error(form, error)
        else:
            messages.success(request, "Receipts added.")
            return redirect(org_url(request, "expense_detail", expense.pk))
    return _detail(request, expense, status=400, receipts_form=form, error=form.errors.get("receipts", [""])[0])


@require_POST
def expense_note(request: HttpRequest, org_slug: str, expense_id: int) -> HttpResponse:
    """The one-click report-back: write the intel note and link it."""
    expense = rights.access_expense(request.member, expense_id)
    form = ReportBackForm(request.POST)
    if form.is_valid():
        try:
            services.expense_write_note(by=request.member, expense=expense, **form.cleaned_data)
        except ApplicationError as error:
            apply_application_error(form, error)
            status = getattr(error, "status_code", 400)
            return _detail(request, expense, status=status, note_form=form, error=error.message)
        messages.success(request, "Thank you for sharing: the expense is ready to be reimbursed.")
        return redirect(org_url(request, "expense_detail", expense.pk))
    return _detail(request, expense, status=400, note_form=form)


@require_POST
def expense_link_note(request: HttpRequest, org_slug: str, expense_id: int) -> HttpResponse:
    """Link a note the member wrote already as the report-back."""
    expense = rights.access_expense(request.member, expense_id)
    form = LinkNoteForm(request.POST, notes=selectors.report_back_candidates(request.member))
    if form.is_valid():
        try:
            services.expense_link_note(by=request.member, expense=expense, note=form.cleaned_data["note"])
        except ApplicationError as error:
            apply_application_error(form, error)
            return _detail(request, expense, status=getattr(error, "status_code", 400), link_form=form,
                           error=error.message)
        messages.success(request, "Note linked: the expense is ready to be reimbursed.")
        return redirect(org_url(request, "expense_detail", expense.pk))
    return _detail(request, expense, status=400, link_form=form)


@require_GET
def receipt_file(request: HttpRequest, org_slug: str, expense_id: int, receipt_id: int) -> HttpResponse:
    """The receipt's bytes, for the owner, their manager and HR only (anyone else: 404)."""
    receipt = rights.access_receipt(request.member, expense_id, receipt_id)
    return uploads.file_response(receipt.file, filename=receipt.original_name, content_type=receipt.content_type)


# --- Approvals ---------------------------------------------------------------------------------------

def _expense_line(expense) -> str:
    return (f"{expense.member.user.full_name}: {expense.get_kind_display().lower()} at {expense.merchant}, "
            f"{expense.amount_org} {expense.org_currency}")


@require_http_methods(["GET", "POST"])
def fund_approvals(request: HttpRequest, org_slug: str) -> HttpResponse:
    """The approver's queue (receipts inline, flags) with bulk approval of the unflagged, and the team's spend."""
    member = request.member
    if not member.is_manager:
        raise PermissionDenied("Only managers, HR and administrators approve expenses.")
    queue = selectors.all_waiting_approval(member) if member.is_hr and request.GET.get("all") else \
        selectors.approval_queue(member)
    if request.method == "POST":
        ids = [int(v) for v in request.POST.getlist("expense") if v.isascii() and v.isdigit() and len(v) < 19]
        chosen = list(queue.filter(pk__in=ids).select_related("member__user"))
        if not chosen:
            messages.error(request, "Tick the expenses to approve first: nothing is chosen.")
            return redirect(request.get_full_path())
        if not is_confirmed(request):
            return confirm_page(
                request, question=f"Approve {len(chosen)} expense{'s' if len(chosen) != 1 else ''}?",
                action_label=f"Approve {len(chosen)}", back_url=request.get_full_path(), danger=False,
                detail="Flagged ones (a possible duplicate, over budget) stay in the queue to be opened one by one.",
                items=[_expense_line(expense) for expense in chosen])
        try:
            count = services.expenses_approve_unflagged(by=member, expenses=chosen)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            skipped = len(chosen) - count
            messages.success(request, f"{count} approved." + (f" {skipped} flagged: open them to decide."
                                                                if skipped else ""))
        return redirect(request.get_full_path())
    expenses = list(queue[:200])  # each row's person read per row (selectors.expense_list)
    receipts: dict[int, list[Receipt]] = {}
    for receipt in Receipt.objects.for_org(member.organization_id).filter(expense__in=expenses):
        receipts.setdefault(receipt.expense_id, []).append(receipt)
    for expense in expenses:
        expense.receipt_list = receipts.get(expense.pk, [])
    return render(request, "network_intel/fund/approvals.html", {
        "expenses": expenses, "team": selectors.team_spending(member), "show_all": bool(request.GET.get("all")),
    })
