"""The agent: one turn, from the shopper's messages to a stream of events, on every channel.

core: Agent (run, history), TurnRequest; history: what a conversation showed and said;
events: Chunk, ToolCalled, Products, Comparison, Done, Error; turn: Turn, a turn's tool
calls; prompt: the system prompt and the fence; tools/: the tools and their registry;
providers/: the model providers and their chain; offline/: the provider with no model.
"""
