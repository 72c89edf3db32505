"""Contains all the data models used in inputs/outputs"""

from .application_create import ApplicationCreate
from .application_out import ApplicationOut
from .application_page import ApplicationPage
from .application_update import ApplicationUpdate
from .async_event_display import AsyncEventDisplay
from .async_event_search_results import AsyncEventSearchResults
from .attempt_out import AttemptOut
from .backlog_out import BacklogOut
from .batch_item_result import BatchItemResult
from .batch_item_result_error_type_0 import BatchItemResultErrorType0
from .batch_item_result_status import BatchItemResultStatus
from .bulk_status import BulkStatus
from .bulk_status_result import BulkStatusResult
from .bulk_status_status import BulkStatusStatus
from .create_async_event_body import CreateAsyncEventBody
from .create_async_event_body_async_event_create import CreateAsyncEventBodyAsyncEventCreate
from .delivery_detail import DeliveryDetail
from .delivery_detail_status import DeliveryDetailStatus
from .delivery_list_item import DeliveryListItem
from .delivery_list_item_status import DeliveryListItemStatus
from .delivery_out import DeliveryOut
from .delivery_out_status import DeliveryOutStatus
from .delivery_page import DeliveryPage
from .delivery_stats_out import DeliveryStatsOut
from .event_accepted import EventAccepted
from .event_batch_in import EventBatchIn
from .event_batch_result import EventBatchResult
from .event_in import EventIn
from .event_in_arguments import EventInArguments
from .event_out import EventOut
from .event_page import EventPage
from .event_type_list import EventTypeList
from .event_type_out import EventTypeOut
from .event_type_out_arguments_schema import EventTypeOutArgumentsSchema
from .event_type_out_payload_schema import EventTypeOutPayloadSchema
from .filter_echo import FilterEcho
from .filter_group_echo import FilterGroupEcho
from .get_liveness_response_getliveness import GetLivenessResponseGetliveness
from .health_out import HealthOut
from .key_create import KeyCreate
from .key_created import KeyCreated
from .key_list import KeyList
from .key_out import KeyOut
from .last_error_out import LastErrorOut
from .list_deliveries_status_type_0_item import ListDeliveriesStatusType0Item
from .list_events_status_type_0_item import ListEventsStatusType0Item
from .list_subscriptions_status_type_0 import ListSubscriptionsStatusType0
from .magento_error import MagentoError
from .magento_error_parameters_type_1 import MagentoErrorParametersType1
from .minute_out import MinuteOut
from .notifier_list import NotifierList
from .page_count import PageCount
from .period import Period
from .portal_session_create import PortalSessionCreate
from .portal_session_out import PortalSessionOut
from .problem import Problem
from .problem_errors_item import ProblemErrorsItem
from .public_key import PublicKey
from .replay_accepted import ReplayAccepted
from .replay_accepted_status import ReplayAcceptedStatus
from .replay_count import ReplayCount
from .replay_job_out import ReplayJobOut
from .replay_job_out_criteria import ReplayJobOutCriteria
from .replay_job_out_status import ReplayJobOutStatus
from .replay_request import ReplayRequest
from .replay_request_status_item import ReplayRequestStatusItem
from .search_async_events_search_criteria import SearchAsyncEventsSearchCriteria
from .search_criteria_echo import SearchCriteriaEcho
from .signing_key_set import SigningKeySet
from .skipped_subscription import SkippedSubscription
from .sort_order_echo import SortOrderEcho
from .stats_counts_out import StatsCountsOut
from .stats_error_out import StatsErrorOut
from .subscription_create import SubscriptionCreate
from .subscription_create_filter_type_0 import SubscriptionCreateFilterType0
from .subscription_create_headers_type_0 import SubscriptionCreateHeadersType0
from .subscription_create_ordering import SubscriptionCreateOrdering
from .subscription_create_payload_format import SubscriptionCreatePayloadFormat
from .subscription_create_signature import SubscriptionCreateSignature
from .subscription_create_status import SubscriptionCreateStatus
from .subscription_created import SubscriptionCreated
from .subscription_created_filter_type_0 import SubscriptionCreatedFilterType0
from .subscription_created_ordering import SubscriptionCreatedOrdering
from .subscription_created_payload_format import SubscriptionCreatedPayloadFormat
from .subscription_created_signature import SubscriptionCreatedSignature
from .subscription_created_status import SubscriptionCreatedStatus
from .subscription_out import SubscriptionOut
from .subscription_out_filter_type_0 import SubscriptionOutFilterType0
from .subscription_out_ordering import SubscriptionOutOrdering
from .subscription_out_payload_format import SubscriptionOutPayloadFormat
from .subscription_out_signature import SubscriptionOutSignature
from .subscription_out_status import SubscriptionOutStatus
from .subscription_page import SubscriptionPage
from .subscription_update import SubscriptionUpdate
from .subscription_update_filter_type_0 import SubscriptionUpdateFilterType0
from .subscription_update_headers_type_0 import SubscriptionUpdateHeadersType0
from .subscription_update_ordering_type_0 import SubscriptionUpdateOrderingType0
from .subscription_update_payload_format_type_0 import SubscriptionUpdatePayloadFormatType0
from .subscription_update_signature_type_0 import SubscriptionUpdateSignatureType0
from .subscription_update_status_type_0 import SubscriptionUpdateStatusType0
from .subscription_updated import SubscriptionUpdated
from .subscription_updated_filter_type_0 import SubscriptionUpdatedFilterType0
from .subscription_updated_ordering import SubscriptionUpdatedOrdering
from .subscription_updated_payload_format import SubscriptionUpdatedPayloadFormat
from .subscription_updated_signature import SubscriptionUpdatedSignature
from .subscription_updated_status import SubscriptionUpdatedStatus
from .test_send_out import TestSendOut
from .update_async_event_body import UpdateAsyncEventBody
from .update_async_event_body_async_event_update import UpdateAsyncEventBodyAsyncEventUpdate
from .verification_out import VerificationOut
from .verification_out_state import VerificationOutState
from .worst_endpoint_out import WorstEndpointOut

__all__ = (
    "ApplicationCreate",
    "ApplicationOut",
    "ApplicationPage",
    "ApplicationUpdate",
    "AsyncEventDisplay",
    "AsyncEventSearchResults",
    "AttemptOut",
    "BacklogOut",
    "BatchItemResult",
    "BatchItemResultErrorType0",
    "BatchItemResultStatus",
    "BulkStatus",
    "BulkStatusResult",
    "BulkStatusStatus",
    "CreateAsyncEventBody",
    "CreateAsyncEventBodyAsyncEventCreate",
    "DeliveryDetail",
    "DeliveryDetailStatus",
    "DeliveryListItem",
    "DeliveryListItemStatus",
    "DeliveryOut",
    "DeliveryOutStatus",
    "DeliveryPage",
    "DeliveryStatsOut",
    "EventAccepted",
    "EventBatchIn",
    "EventBatchResult",
    "EventIn",
    "EventInArguments",
    "EventOut",
    "EventPage",
    "EventTypeList",
    "EventTypeOut",
    "EventTypeOutArgumentsSchema",
    "EventTypeOutPayloadSchema",
    "FilterEcho",
    "FilterGroupEcho",
    "GetLivenessResponseGetliveness",
    "HealthOut",
    "KeyCreate",
    "KeyCreated",
    "KeyList",
    "KeyOut",
    "LastErrorOut",
    "ListDeliveriesStatusType0Item",
    "ListEventsStatusType0Item",
    "ListSubscriptionsStatusType0",
    "MagentoError",
    "MagentoErrorParametersType1",
    "MinuteOut",
    "NotifierList",
    "PageCount",
    "Period",
    "PortalSessionCreate",
    "PortalSessionOut",
    "Problem",
    "ProblemErrorsItem",
    "PublicKey",
    "ReplayAccepted",
    "ReplayAcceptedStatus",
    "ReplayCount",
    "ReplayJobOut",
    "ReplayJobOutCriteria",
    "ReplayJobOutStatus",
    "ReplayRequest",
    "ReplayRequestStatusItem",
    "SearchAsyncEventsSearchCriteria",
    "SearchCriteriaEcho",
    "SigningKeySet",
    "SkippedSubscription",
    "SortOrderEcho",
    "StatsCountsOut",
    "StatsErrorOut",
    "SubscriptionCreate",
    "SubscriptionCreated",
    "SubscriptionCreatedFilterType0",
    "SubscriptionCreatedOrdering",
    "SubscriptionCreatedPayloadFormat",
    "SubscriptionCreatedSignature",
    "SubscriptionCreatedStatus",
    "SubscriptionCreateFilterType0",
    "SubscriptionCreateHeadersType0",
    "SubscriptionCreateOrdering",
    "SubscriptionCreatePayloadFormat",
    "SubscriptionCreateSignature",
    "SubscriptionCreateStatus",
    "SubscriptionOut",
    "SubscriptionOutFilterType0",
    "SubscriptionOutOrdering",
    "SubscriptionOutPayloadFormat",
    "SubscriptionOutSignature",
    "SubscriptionOutStatus",
    "SubscriptionPage",
    "SubscriptionUpdate",
    "SubscriptionUpdated",
    "SubscriptionUpdatedFilterType0",
    "SubscriptionUpdatedOrdering",
    "SubscriptionUpdatedPayloadFormat",
    "SubscriptionUpdatedSignature",
    "SubscriptionUpdatedStatus",
    "SubscriptionUpdateFilterType0",
    "SubscriptionUpdateHeadersType0",
    "SubscriptionUpdateOrderingType0",
    "SubscriptionUpdatePayloadFormatType0",
    "SubscriptionUpdateSignatureType0",
    "SubscriptionUpdateStatusType0",
    "TestSendOut",
    "UpdateAsyncEventBody",
    "UpdateAsyncEventBodyAsyncEventUpdate",
    "VerificationOut",
    "VerificationOutState",
    "WorstEndpointOut",
)
