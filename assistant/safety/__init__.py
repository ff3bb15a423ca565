"""The emergency safety net (issue #10): recognises, in any message from any channel,
an emergency happening now, independently of the intent classifier.

    from assistant.safety import assess, advice_for

    verdict = assess("楼道里着火了")
    verdict.emergency        # True
    verdict.kinds            # ("fire",)
    advice_for(verdict)      # ["着火了，马上打 119。", ...]
    verdict.as_metadata()    # for Rasa: metadata["butler_safety"]

Call ``warm_up()`` at process start to compile the lexicon before the first message.
See docs/safety.md for the design and data/*.yml for the cues and suppressors.
"""

from assistant.safety.advice import GENERAL_ADVICE, advice_for, advice_for_topics
from assistant.safety.lexicon import KIND_ORDER
from assistant.safety.net import SafetyVerdict, assess, warm_up
from assistant.safety.normalise import normalise

KINDS = KIND_ORDER

__all__ = ["GENERAL_ADVICE", "KINDS", "SafetyVerdict", "advice_for", "advice_for_topics", "assess", "normalise", "warm_up"]
