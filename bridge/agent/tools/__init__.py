"""The agent's tools, one module per capability; ``STOREFRONT_TOOLS`` is the full set.

registry: Tool, ToolResult, ToolContext, Registry, check_arguments
catalog: SEARCH_PRODUCTS, GET_PRODUCT_DETAILS; compare: COMPARE_PRODUCTS
cart: ADD_TO_CART, UPDATE_CART_ITEM, REMOVE_FROM_CART, VIEW_CART
orders: ORDER_STATUS (needs a signed-in shopper; their own orders only)
handoff: HANDOFF_TO_PERSON (escalates the conversation to a person; the store is untouched)
policies: GET_STORE_POLICIES (the merchant's own words and the store's pages, fenced as data)
shipping: GET_SHIPPING_OPTIONS (the store's shipping zones for an address)
reviews: GET_PRODUCT_REVIEWS (a shown product's approved reviews, fenced as data)
"""
from .cart import ADD_TO_CART, REMOVE_FROM_CART, UPDATE_CART_ITEM, VIEW_CART
from .catalog import GET_PRODUCT_DETAILS, SEARCH_PRODUCTS
from .compare import COMPARE_PRODUCTS
from .handoff import HANDOFF_TO_PERSON
from .orders import ORDER_STATUS
from .policies import GET_STORE_POLICIES
from .registry import Registry
from .reviews import GET_PRODUCT_REVIEWS
from .shipping import GET_SHIPPING_OPTIONS

STOREFRONT_TOOLS = Registry([
    SEARCH_PRODUCTS, GET_PRODUCT_DETAILS, COMPARE_PRODUCTS,
    VIEW_CART, ADD_TO_CART, UPDATE_CART_ITEM, REMOVE_FROM_CART, ORDER_STATUS, HANDOFF_TO_PERSON,
    GET_STORE_POLICIES, GET_SHIPPING_OPTIONS, GET_PRODUCT_REVIEWS,
])
