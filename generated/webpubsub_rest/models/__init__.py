# mypy: ignore-errors
"""Contains all the data models used in inputs/outputs"""

from .add_to_groups_request import AddToGroupsRequest
from .api_version import ApiVersion
from .client_token_response import ClientTokenResponse
from .client_type import ClientType
from .error_detail import ErrorDetail
from .group_member import GroupMember
from .group_member_page import GroupMemberPage
from .inner_error import InnerError
from .json_message import JsonMessage
from .permission import Permission
from .remove_from_groups_request import RemoveFromGroupsRequest
from .text_message import TextMessage

__all__ = (
    "AddToGroupsRequest",
    "ApiVersion",
    "ClientTokenResponse",
    "ClientType",
    "ErrorDetail",
    "GroupMember",
    "GroupMemberPage",
    "InnerError",
    "JsonMessage",
    "Permission",
    "RemoveFromGroupsRequest",
    "TextMessage",
)
