"""The fund's dashboard panel and HR's fund pages: settings, reimbursements, payroll export, report."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from alliance import exports
from alliance.confirm import confirm_page, is_confirmed
from alliance.decorators import hr_required
from alliance.errors import ApplicationError
from alliance.forms import apply_application_error
from network_intel import selectors, services
from network_intel.forms import OverrideForm, PolicyForm, RateForm
from network_intel.models.expenses import Expense
from network_intel.models.fund import ExchangeRate, FundOverride
from network_intel.views._common import org_url


def dashboard_panel_context(request: HttpRequest) -> dict | None:
    member = request.member
    balance = selectors.balance_of(member)
    if balance is None:
        return None
    waiting = list(selectors.waiting_for_report_back(member).filter(member=member)[:3])
    approvals = selectors.approval_queue(member).count() if member.is_manager else 0
    return {"fund_balance": balance, "fund_waiting": waiting, "fund_approvals": approvals}


# --- HR -------------------------------------------------------------------------------------------------

@hr_required
@require_http_methods(["GET", "POST"])
def fund_settings(request: HttpRequest, org_slug: str) -> HttpResponse:
    """Policy, overrides per role or team, and the rate table."""
    member = request.member
    policy = selectors.fund_policy(member.organization_id)
    initial = {f: getattr(policy, f) for f in services.POLICY_FIELDS} if policy else {"report_back_days": 3,
                                                                                       "receipt_required_above": 25}
    what = request.POST.get("form")
    policy_form = PolicyForm(request.POST if what == "policy" else None, initial=initial)
    override_form = OverrideForm(request.POST if what == "override" else None)
    rate_form = RateForm(request.POST if what == "rate" else None)
    status = 200
    if request.method == "POST":
        try:
            if what == "policy" and policy_form.is_valid():
                services.fund_policy_save(by=member, data=policy_form.cleaned_data)
                messages.success(request, "Policy saved.")
                return redirect(org_url(request, "fund_settings"))
            if what == "override" and override_form.is_valid():
                services.fund_override_set(by=member, **override_form.cleaned_data)
                messages.success(request, "Budget override saved.")
                return redirect(org_url(request, "fund_settings"))
            if what == "rate" and rate_form.is_valid():
                services.exchange_rate_save(by=member, **rate_form.cleaned_data)
                messages.success(request, "Rate saved.")
                return redirect(org_url(request, "fund_settings"))
            if what == "delete-override":
                found = FundOverride.objects.for_org(member.organization_id).filter(
                    pk=_int(request.POST.get("id"))).first()
                if found is not None:
                    services.fund_override_delete(by=member, override=found)
                return redirect(org_url(request, "fund_settings"))
            if what == "delete-rate":
                found = ExchangeRate.objects.for_org(member.organization_id).filter(
                    pk=_int(request.POST.get("id"))).first()
                if found is not None:
                    services.exchange_rate_delete(by=member, rate=found)
                return redirect(org_url(request, "fund_settings"))
        except ApplicationError as error:
            form = {"policy": policy_form, "override": override_form, "rate": rate_form}.get(what, policy_form)
            apply_application_error(form, error)
        status = 400
    return render(request, "network_intel/fund/settings.html", {
        "policy": policy, "policy_form": policy_form, "override_form": override_form, "rate_form": rate_form,
        "overrides": list(selectors.override_list(member.organization_id)),
        "rates": list(selectors.rate_list(member.organization_id)[:200]),
    }, status=status)


def _int(value) -> int:
    return int(value) if value and str(value).isascii() and str(value).isdigit() and len(str(value)) < 19 else 0


@hr_required
@require_http_methods(["GET", "POST"])
def fund_reimbursements(request: HttpRequest, org_slug: str) -> HttpResponse:
    """Approved expenses: the ones with their note are paid (payroll export, then "mark these reimbursed")."""
    member = request.member
    if request.method == "POST":
        ids = [_int(v) for v in request.POST.getlist("expense")]
        chosen = list(Expense.objects.for_org(member.organization_id).filter(pk__in=ids)
                      .select_related("member__user"))
        if not chosen:
            messages.error(request, "Tick the expenses that were paid first: nothing is chosen.")
            return redirect(org_url(request, "fund_reimbursements"))
        if not is_confirmed(request):
            return confirm_page(
                request, question=f"Mark {len(chosen)} expense{'s' if len(chosen) != 1 else ''} reimbursed?",
                action_label=f"Mark {len(chosen)} reimbursed", back_url=org_url(request, "fund_reimbursements"),
                detail="Each member is told their expense is paid. This cannot be undone.",
                items=[f"{e.member.user.full_name}: {e.get_kind_display().lower()} at {e.merchant}, "
                       f"{e.amount_org} {e.org_currency}" for e in chosen])
        try:
            count = services.expenses_reimburse(by=member, expenses=chosen)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"{count} marked reimbursed.")
        return redirect(org_url(request, "fund_reimbursements"))
    expenses = list(selectors.reimbursement_queue(member)[:500])
    return render(request, "network_intel/fund/reimbursements.html", {
        "ready": [e for e in expenses if e.note_id], "waiting": [e for e in expenses if not e.note_id],
        "payroll": selectors.payroll_lines(member),
    })


@hr_required
@require_GET
def fund_payroll_csv(request: HttpRequest, org_slug: str) -> StreamingHttpResponse:
    """What to pay, per member and currency: the approved expenses with their report-back."""
    rows = ([line.member_name, line.email or "", line.team, line.currency, f"{line.amount:.2f}",
             " ".join(str(i) for i in line.expense_ids)] for line in selectors.payroll_lines(request.member))
    return exports.streaming_csv(f"{request.org.slug}-networking-fund-payroll.csv",
                                 ["member", "email", "team", "currency", "amount", "expenses"], rows)


@hr_required
@require_GET
def fund_report(request: HttpRequest, org_slug: str) -> HttpResponse:
    period, teams = selectors.fund_report(request.member)
    return render(request, "network_intel/fund/report.html", {
        "period": period, "teams": teams, "waiting": list(selectors.waiting_for_report_back(request.member)[:200]),
    })
