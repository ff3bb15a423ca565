"""JiebaTokenizer without whitespace tokens.

Rasa's JiebaTokenizer keeps every space jieba returns as a token of its own.
Residents (and speech recognisers) often put spaces between words (``嗯 那个 我想
约个 剪头``); the training data has almost none. The space tokens then shift what
the classifier sees and let DIET tag a space as part of an entity (``"理发 "``).
This tokenizer drops tokens made only of whitespace; the other tokens keep their
offsets in the original text, so entity spans still point into what was said.
Everything else (the user dictionary directory, persisting it into the model) is
JiebaTokenizer's own.
"""

from __future__ import annotations

from typing import List, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.tokenizers.jieba_tokenizer import JiebaTokenizer
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.training_data.message import Message


def without_blank(tokens: List[Token]) -> List[Token]:
    """``tokens`` without whitespace-only ones (all of them if every one is blank)."""
    kept = [token for token in tokens if token.text.strip()]
    return kept or tokens


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER], is_trainable=True)
class SpacelessJiebaTokenizer(JiebaTokenizer):
    """JiebaTokenizer that drops whitespace tokens (see module doc)."""

    def tokenize(self, message: Message, attribute: Text) -> List[Token]:
        return without_blank(super().tokenize(message, attribute))
