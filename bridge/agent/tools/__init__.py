"""The agent's tools, one module per capability; ``STOREFRONT_TOOLS`` is the full set.

registry: Tool, ToolResult, ToolContext, Registry, check_arguments
catalog: SEARCH_PRODUCTS, GET_PRODUCT_DETAILS; compare: COMPARE_PRODUCTS
cart: ADD_TO_CART, UPDATE_CART_ITEM, REMOVE_FROM_CART, VIEW_CART
orders: ORDER_STATUS (needs a signed-in shopper; their own orders only)
handoff: HANDOFF_TO_PERSON (escalates the conversation to a person; the store is untouched)
policies: GET_STORE_POLICIES (the merchant's own words, fenced as data)
"""
from .cart import ADD_TO_CART, REMOVE_FROM_CART, UPDATE_CART_ITEM, VIEW_CART
from .catalog import GET_PRODUCT_DETAILS, SEARCH_PRODUCTS
from .compare import COMPARE_PRODUCTS
from .handoff import HANDOFF_TO_PERSON
from .orders import ORDER_STATUS
from .policies import GET_STORE_POLICIES
from .registry import Registry

STOREFRONT_TOOLS = Registry([
    SEARCH_PRODUCTS, GET_PRODUCT_DETAILS, COMPARE_PRODUCTS,
    VIEW_CART, ADD_TO_CART, UPDATE_CART_ITEM, REMOVE_FROM_CART, ORDER_STATUS, HANDOFF_TO_PERSON,
    GET_STORE_POLICIES,
])
