"""Pure ops on jax.Array with PyTorch's semantics, argument names and defaults."""

# --- activations, linear, dropout, normalization, sparse, distance (helper A) ---
# --- end A ---

# --- conv, pooling, interpolate, pad, fold (helper B) ---
# --- end B ---

# --- losses (helper C) ---
# --- end C ---

# --- recurrent (helper D) ---
# --- end D ---
