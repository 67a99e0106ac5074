"""Expenses (list, log, edit, the state changes, the report-back) and their receipts."""

from __future__ import annotations

from django.http import Http404
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from alliance import uploads
from alliance.apis import IdFilter, UpdatedSinceFilterSet
from alliance.etags import VersionedResourceMixin
from alliance.parsers import DepthLimitedJSONParser
from alliance.serializers import BoundedListField, InputSerializer, StrictBooleanField, StrictCharField, no_input
from network_intel import rights, selectors, services
from network_intel.apis._common import MAX_MONEY, money_input, own_contacts, validated_input
from network_intel.limits import CONTACTS_MAX, MERCHANT_MAX_LENGTH, MET_NAMES_MAX, PURPOSE_MAX, REFUSAL_MAX_LENGTH
from network_intel.models.expenses import Expense, ExpenseKind, ExpenseState, Receipt
from network_intel.models.fund import RATE_DIGITS, RATE_PLACES

# --- Expenses ----------------------------------------------------------------------------------------------

class ExpenseOutputSerializer(serializers.ModelSerializer):
    contacts = serializers.SerializerMethodField()
    met_names = serializers.ListField(source="met_name_list", child=StrictCharField())
    receipt_count = serializers.SerializerMethodField()

    class Meta:
        model = Expense
        fields = ["id", "member", "spent_on", "kind", "merchant", "amount", "currency", "exchange_rate", "rate_on",
                  "rate_entered", "amount_org", "org_currency", "purpose", "contacts", "met_names", "state",
                  "submitted_at", "over_budget", "over_budget_acknowledged", "possible_duplicate",
                  "duplicate_cleared", "decided_by", "decided_at", "refusal_reason", "note", "reimbursed_at",
                  "receipt_count", "created_at", "updated_at"]

    def get_contacts(self, expense: Expense) -> list[int]:
        return sorted(link.contact_id for link in expense.contact_links.all())

    def get_receipt_count(self, expense: Expense) -> int:
        count = getattr(expense, "receipt_count", None)
        return count if count is not None else expense.receipts.count()


class ExpenseFilterSet(UpdatedSinceFilterSet):
    state = filters.ChoiceFilter(choices=ExpenseState.choices)
    member = IdFilter(field_name="member_id", help_text="One member's expenses.")

    class Meta:
        model = Expense
        fields = ["state", "member", "updated_since"]


class ExpenseInputSerializer(InputSerializer):
    spent_on = serializers.DateField()
    kind = serializers.ChoiceField(choices=ExpenseKind.choices)
    merchant = StrictCharField(max_length=MERCHANT_MAX_LENGTH)
    amount = money_input(max_value=MAX_MONEY)
    currency = StrictCharField(min_length=3, max_length=3, help_text="ISO 4217, e.g. EUR.")
    exchange_rate = serializers.DecimalField(max_digits=RATE_DIGITS, decimal_places=RATE_PLACES, required=False,
                                             allow_null=True, default=None,
                                             help_text="One unit in the organization's currency; "
                                                       "leave out to use HR's rate table.")
    purpose = StrictCharField(max_length=PURPOSE_MAX)
    contacts = BoundedListField(child=serializers.IntegerField(min_value=1, max_value=2**62), required=False,
                                default=list, max_length=CONTACTS_MAX, help_text="Ids of your own contacts you met.")
    met_names = StrictCharField(max_length=MET_NAMES_MAX, required=False, allow_blank=True, default="",
                                help_text="People not among your contacts, one per line: name, company.")
    submit = StrictBooleanField(required=False, default=False, help_text="Submit it for approval at once.")
    receipts = serializers.ListField(child=serializers.FileField(), required=False, default=list,
                                     max_length=services.MAX_RECEIPTS,
                                     help_text="PDF, JPEG, PNG, HEIC or WebP files, up to 10 MB each "
                                               "(multipart/form-data).")


def _expense_response(request, expense_id: int, status: int = 200) -> Response:
    expense = (selectors.expense_list(request.member).prefetch_related("contact_links").filter(pk=expense_id)
               .first())
    if expense is None:  # it was the caller's a moment ago; stay consistent with access_expense
        raise Http404("No such expense.")
    return Response(ExpenseOutputSerializer(expense).data, status=status)


@extend_schema_view(
    get=extend_schema(summary="List the expenses you may see (yours, your reports', everyone's for HR)",
                      responses=ExpenseOutputSerializer(many=True)),
    post=extend_schema(summary="Log an expense (JSON, or multipart/form-data with receipts)",
                       request={"multipart/form-data": ExpenseInputSerializer,
                                "application/json": ExpenseInputSerializer},
                       responses={201: ExpenseOutputSerializer}),
)
class ExpenseListApi(generics.ListAPIView):
    serializer_class = ExpenseOutputSerializer
    filterset_class = ExpenseFilterSet
    parser_classes = [DepthLimitedJSONParser, MultiPartParser]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Expense.objects.none()
        return selectors.expense_list(self.request.member).prefetch_related("contact_links")

    def post(self, request):
        data = dict(validated_input(ExpenseInputSerializer, request))
        data["contacts"] = own_contacts(request, data["contacts"])
        expense = services.expense_create(by=request.member, **data)
        return _expense_response(request, expense.pk, status=201)


class ExpenseUpdateInputSerializer(InputSerializer):
    """The fields of a draft its member may change; each one left out stays as it is."""

    spent_on = serializers.DateField(required=False)
    kind = serializers.ChoiceField(choices=ExpenseKind.choices, required=False)
    merchant = StrictCharField(max_length=MERCHANT_MAX_LENGTH, required=False)
    amount = money_input(max_value=MAX_MONEY, required=False)
    currency = StrictCharField(min_length=3, max_length=3, required=False, help_text="ISO 4217, e.g. EUR.")
    exchange_rate = serializers.DecimalField(max_digits=RATE_DIGITS, decimal_places=RATE_PLACES, required=False,
                                             allow_null=True,
                                             help_text="One unit in the organization's currency; "
                                                       "null to use HR's rate table.")
    purpose = StrictCharField(max_length=PURPOSE_MAX, required=False)
    contacts = BoundedListField(child=serializers.IntegerField(min_value=1, max_value=2**62), required=False,
                                max_length=CONTACTS_MAX,
                                help_text="Ids of your own contacts you met (replaces the list).")
    met_names = StrictCharField(max_length=MET_NAMES_MAX, required=False, allow_blank=True)


class ExpenseDetailApi(VersionedResourceMixin, APIView):
    serializer_class = ExpenseOutputSerializer

    @extend_schema(summary="Retrieve an expense", responses=ExpenseOutputSerializer)
    def get(self, request, pk: int):
        return _expense_response(request, rights.access_expense(request.member, pk).pk)

    @extend_schema(summary="Change a draft (its member only; submitted and later expenses do not change)",
                   request=ExpenseUpdateInputSerializer, responses=ExpenseOutputSerializer)
    def patch(self, request, pk: int):
        expense = rights.access_expense(request.member, pk)
        data = dict(validated_input(ExpenseUpdateInputSerializer, request))
        contacts = own_contacts(request, data.pop("contacts")) if "contacts" in data else None
        services.expense_update(by=request.member, expense=expense, data=data, contacts=contacts)
        return _expense_response(request, expense.pk)

    @extend_schema(summary="Delete a draft with its receipts (its member only): gone from every list at once, "
                           "removed for good a minute later", responses={204: None})
    def delete(self, request, pk: int):
        services.expense_delete(by=request.member, expense=rights.access_expense(request.member, pk))
        return Response(status=204)


class ApproveInputSerializer(InputSerializer):
    acknowledge_over_budget = StrictBooleanField(required=False, default=False,
                                                 help_text="Soft cap: approve although over the budget.")
    not_duplicate = StrictBooleanField(required=False, default=False,
                                       help_text="Confirm a flagged expense is not a duplicate.")


class RefuseInputSerializer(InputSerializer):
    reason = StrictCharField(max_length=REFUSAL_MAX_LENGTH, help_text="The member sees it.")


class LinkNoteInputSerializer(InputSerializer):
    note = serializers.IntegerField(min_value=1, max_value=2**62, help_text="The id of an intel note you wrote, "
                                                                            "shared with your team at least.")


class ExpenseActionApi(APIView):
    """Base of the state changes: input → one service → the expense."""

    serializer_class = ExpenseOutputSerializer
    input_serializer: type[serializers.Serializer] | None = None

    def perform(self, request, expense: Expense, data: dict) -> None:
        raise NotImplementedError

    def post(self, request, pk: int):
        expense = rights.access_expense(request.member, pk)
        data = validated_input(self.input_serializer, request) if self.input_serializer else no_input(request)
        self.perform(request, expense, data)
        return _expense_response(request, pk)


def _action(summary: str, description: str, input_serializer=None):
    return extend_schema(summary=summary, description=description, request=input_serializer,
                         responses={200: ExpenseOutputSerializer,
                                    400: OpenApiResponse(description="Refused: the message says why.")})


class ExpenseSubmitApi(ExpenseActionApi):
    @_action("Submit a draft for approval", "The member only. draft → submitted; receipt, per-expense maximum "
                                            "and budget are checked (a hard cap refuses past the budget).")
    def post(self, request, pk: int):
        return super().post(request, pk)

    def perform(self, request, expense, data):
        services.expense_submit(by=request.member, expense=expense)


class ExpenseApproveApi(ExpenseActionApi):
    input_serializer = ApproveInputSerializer

    @_action("Approve an expense", "The member's manager or HR, never the member. submitted → approved.",
             ApproveInputSerializer)
    def post(self, request, pk: int):
        return super().post(request, pk)

    def perform(self, request, expense, data):
        services.expense_approve(by=request.member, expense=expense, **data)


class ExpenseRefuseApi(ExpenseActionApi):
    input_serializer = RefuseInputSerializer

    @_action("Refuse an expense", "The member's manager or HR, with a reason. submitted → refused.",
             RefuseInputSerializer)
    def post(self, request, pk: int):
        return super().post(request, pk)

    def perform(self, request, expense, data):
        services.expense_refuse(by=request.member, expense=expense, reason=data["reason"])


class ExpenseWithdrawApi(ExpenseActionApi):
    @_action("Withdraw an expense", "The member only. draft or submitted → withdrawn.")
    def post(self, request, pk: int):
        return super().post(request, pk)

    def perform(self, request, expense, data):
        services.expense_withdraw(by=request.member, expense=expense)


class ExpenseReimburseApi(ExpenseActionApi):
    @_action("Mark an expense reimbursed (HR)", "approved → reimbursed, once its intel note is linked; never "
                                                "one's own expense.")
    def post(self, request, pk: int):
        return super().post(request, pk)

    def perform(self, request, expense, data):
        services.expense_reimburse(by=request.member, expense=expense)


class ExpenseLinkNoteApi(ExpenseActionApi):
    input_serializer = LinkNoteInputSerializer

    @_action("Link the report-back note", "The member only, on an approved expense: the intel note about the "
                                          "meeting (theirs, not private) that unlocks reimbursement.",
             LinkNoteInputSerializer)
    def post(self, request, pk: int):
        return super().post(request, pk)

    def perform(self, request, expense, data):
        note = selectors.report_back_candidates(request.member).filter(pk=data["note"]).first()
        if note is None:
            raise ValidationError({"note": ["None of your shared notes has this id."]})
        services.expense_link_note(by=request.member, expense=expense, note=note)


# --- Receipts ------------------------------------------------------------------------------------------------

class ReceiptOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Receipt
        fields = ["id", "expense", "original_name", "content_type", "size", "sha256", "created_at", "updated_at"]


class ReceiptInputSerializer(InputSerializer):
    receipts = serializers.ListField(child=serializers.FileField(), min_length=1, max_length=services.MAX_RECEIPTS,
                                     help_text="PDF, JPEG, PNG, HEIC or WebP files, up to 10 MB each.")


@extend_schema_view(
    get=extend_schema(summary="List an expense's receipts", responses=ReceiptOutputSerializer(many=True)),
    post=extend_schema(summary="Add receipts to a draft or submitted expense (the member; multipart/form-data)",
                       description="Answers the receipts added, as a list (not a page), like the upload "
                                   "that logs an expense answers the expense.",
                       request={"multipart/form-data": ReceiptInputSerializer},
                       responses={201: ReceiptOutputSerializer(many=True)}),
)
class ReceiptListApi(generics.ListAPIView):
    serializer_class = ReceiptOutputSerializer
    filterset_class = UpdatedSinceFilterSet
    parser_classes = [MultiPartParser]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Receipt.objects.none()
        expense = rights.access_expense(self.request.member, self.kwargs["pk"])
        return Receipt.objects.for_org(self.request.member.organization_id).filter(expense=expense)

    def post(self, request, pk: int):
        expense = rights.access_expense(request.member, pk)
        if not request.FILES.getlist("receipts"):
            raise ValidationError({"receipts": ["Attach at least one file (multipart/form-data)."]})
        files = validated_input(ReceiptInputSerializer, request)["receipts"]
        added = services.receipts_add(by=request.member, expense=expense, files=files)
        return Response(ReceiptOutputSerializer(added, many=True).data, status=201)


class ReceiptFileApi(APIView):
    @extend_schema(summary="Download a receipt (its owner, their manager and HR)",
                   responses={(200, content_type): OpenApiTypes.BINARY for content_type in
                              sorted(uploads.INLINE_TYPES)})
    def get(self, request, pk: int, receipt_id: int):
        receipt = rights.access_receipt(request.member, pk, receipt_id)
        return uploads.file_response(receipt.file, filename=receipt.original_name, content_type=receipt.content_type)
