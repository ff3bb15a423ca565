"""The one settings object every process reads (env prefix ``BUTLER_``).

Defaults are the embedded profile: SQLite under ``var/``, everything on loopback.
The production profile only changes environment variables (``BUTLER_DATABASE_URL``
pointing at PostgreSQL, and so on).

Values come from the environment, then from a ``.env`` file in the working directory.
``BUTLER_ENV_FILE`` names another file instead; set to nothing it turns the file off
(the test suite does that, so an operator's ``.env`` never changes a test).

Test and demonstration settings, read from the environment only, when a process
starts (``assistant/clock.py``), never from ``.env``:

``BUTLER_CLOCK_START``
    Move the project clock: an ISO 8601 instant with its offset
    (``2026-12-31T23:59:30+08:00``). The process's clock starts at that instant and
    ticks on in real time; every "now" of the application (booking days, ticket ids and
    deadlines, reminders) reads it. The end-to-end tests start the real processes with
    it. Never set it in production.
``BUTLER_CLOCK_ANCHOR``
    Optional, with ``BUTLER_CLOCK_START``: the ``time.monotonic()`` reading at which the
    clock read that instant, so several processes share one clock exactly.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


ENV_FILE_VARIABLE = "BUTLER_ENV_FILE"


def env_file() -> str | None:
    """The dotenv file settings are read from: ``BUTLER_ENV_FILE``, ``.env`` when it is
    unset, none when it is set to nothing. Read at each construction, not at import."""
    return os.environ.get(ENV_FILE_VARIABLE, ".env") or None


class Settings(BaseSettings):
    # hide_input_in_errors: a bad value may be a secret (keys, passwords); never echo it.
    model_config = SettingsConfigDict(env_prefix="BUTLER_", env_file=".env", extra="ignore",
                                      hide_input_in_errors=True)

    def __init__(self, **values) -> None:
        # An explicit _env_file wins; otherwise BUTLER_ENV_FILE decides (see env_file()).
        values.setdefault("_env_file", env_file())
        super().__init__(**values)

    # Where runtime data lives: database, logs, indexes, models built by the set-up.
    data_dir: Path = Field(default=PROJECT_ROOT / "var")
    # Empty means SQLite at data_dir/butler.db.
    database_url: str = ""

    # Processes started by the supervisor.
    rasa_url: str = "http://127.0.0.1:5005"
    action_server_url: str = "http://127.0.0.1:5055"
    gateway_host: str = "127.0.0.1"
    gateway_port: int = 8000
    # The trained Rasa model (``make`` trains it; ``scripts/train-rasa.sh``).
    rasa_model: Path = Field(default=PROJECT_ROOT / "models" / "butler.tar.gz")
    # The Rasa venv (Python 3.10); the application venv runs everything else.
    rasa_venv: Path = Field(default=PROJECT_ROOT / ".venv-rasa")
    # Rasa's endpoints file (tracker store, action server). endpoints.production.yml
    # keeps conversation history in PostgreSQL.
    rasa_endpoints: Path = Field(default=PROJECT_ROOT / "endpoints.yml")
    # Seconds the gateway waits for Rasa before answering with the degraded reply.
    rasa_timeout: float = 30.0
    # Rasa's HTTP API token (``rasa run --auth-token``); the gateway sends it as
    # ``?token=``. Empty: a random token is generated once and kept under data_dir.
    rasa_token: str = ""

    # Shown to residents who ask for a person.
    community_name: str = "幸福里社区"
    service_phone: str = "021-12345678"
    service_hours: str = "工作日 8:30-17:30"
    timezone: str = "Asia/Shanghai"

    # Staff authentication.
    admin_user: str = ""
    admin_password: str = ""
    jwt_secret: str = ""  # empty: a random secret is generated once and kept under data_dir
    jwt_ttl_minutes: int = 480

    # Abuse limits (slowapi syntax, "N/period"). Chat: per resident identity and per
    # client address; staff sign-in: failures per user name (four times as many per
    # address) within the window before a lock-out, which lasts until enough of those
    # failures have left the window (assistant/auth/service.py sign_in).
    chat_rate_limit: str = "20/minute"
    chat_ip_rate_limit: str = "120/minute"
    login_max_failures: int = 5
    login_failure_window_minutes: int = 15
    # Largest request body any route accepts (bytes); larger ones get 413.
    max_body_bytes: int = 65536

    # Open311 GeoReport v2.
    open311_api_key: str = ""

    # Where emergencies are posted (empty: console only).
    alert_webhook_url: str = ""
    # Where the elder-care ladder's urgent alert to an emergency contact who has no push
    # channel is POSTed through the outbox, with retries (an SMS gateway or the staff phone
    # desk; docs/care.md). Empty: the log only.
    care_contact_webhook_url: str = ""
    # Ticket deadlines per urgency: "Nh" hours, "Nd" calendar days, "Nwd" working days.
    ticket_deadlines: dict[str, str] = {"emergency": "2h", "urgent": "24h", "normal": "3wd"}
    # The operators' statutory-holiday file (holidays and make-up working days per year),
    # which overrides and extends the chinese-calendar package. None means
    # data_dir/calendar/holidays.yml (`butler calendar import FILE` writes it).
    holidays_file: Path | None = None

    # Sentence-embedding model directory (sentence-transformers layout). None means
    # data_dir/models/multilingual-e5-small, built by `butler models prepare`.
    embedding_model_dir: Path | None = None
    # Query encoder: "auto" runs short calls in onnxruntime when the model directory has a
    # verified onnx/butler-encoder.onnx, else torch; "torch" never uses onnxruntime;
    # "onnx" fails at load unless the ONNX encoder is usable (docs/embeddings.md).
    embedding_backend: str = "auto"
    # Load the embedding model and the knowledge base when the process starts, in the
    # background, instead of at the first policy question (about 10 s on 2 cores). The
    # supervisor turns it on for the action server only.
    warm_up_knowledge_base: bool = False

    # Resident identity on the web chat (assistant/residents/identity.py). Trusted
    # integrations: "name:key" entries separated by commas (a bare key is named
    # "default"), sent as "Authorization: Bearer <key>"; their senders become
    # web:int-<name>:<sender_id>. Residents get a signed session (cookie or token)
    # renewed at each message, valid this many days after the last one.
    chat_api_key: str = ""
    chat_session_days: int = Field(default=180, ge=1)
    # How long a chat answer is kept for a retry with the same Idempotency-Key.
    chat_idempotency_hours: int = Field(default=24, ge=1)
    # The durable inbox (docs/degraded.md): a message recorded while the dialogue engine
    # was down is replayed to Rasa when it is back, or handed over to staff when it
    # waited longer than this; the gateway looks for such messages this often (0: never).
    inbox_handover_minutes: float = Field(default=30, gt=0)
    inbox_replay_seconds: float = Field(default=5.0, ge=0)

    # Voice (docs/voice.md). The Chinese vosk model: None means BUTLER_VOSK_MODEL_DIR's
    # default, data_dir/models/vosk-small-cn (`butler models fetch|install`). Without a
    # model voice input answers 503 asr_model_missing; speech output still works.
    vosk_model_dir: Path | None = None
    # The longest and largest recording a resident may send in one voice turn.
    voice_max_seconds: float = Field(default=60.0, gt=0)
    voice_max_bytes: int = Field(default=10 * 1024 * 1024, gt=0)
    # Speech rate for elderly residents, relative to the normal rate (the issue asks for
    # at least 15 % slower); a resident's own 慢一点 can slow it further.
    elderly_speech_rate: float = Field(default=0.8, gt=0.3, le=0.85)
    # Smart speakers: the Wyoming server (ASR, TTS and a "handle" service for Home
    # Assistant voice pipelines), started by the supervisor when enabled.
    wyoming_enabled: bool = True
    wyoming_host: str = "127.0.0.1"
    wyoming_port: int = 10600

    # Elder care (docs/care.md): the escalation ladder's sweep runs every this many seconds
    # under the supervisor (0: not started); home sensors arrive over MQTT.
    care_sweep_seconds: int = Field(default=60, ge=0)
    care_sensors_enabled: bool = True
    mqtt_url: str = "mqtt://127.0.0.1:1883"
    mqtt_topic_prefix: str = "butler/sensors"
    mqtt_client_id: str = "butler-care-sensors"

    # Telegram (docs/telegram.md): the bot runs under the supervisor only when a token is
    # set. The Bot API and file base URLs can point at a self-hosted Bot API server (or
    # the tests' loopback stand-in); the token is appended to them, as python-telegram-bot does.
    telegram_bot_token: str = ""
    telegram_api_base_url: str = "https://api.telegram.org/bot"
    telegram_file_base_url: str = "https://api.telegram.org/file/bot"
    # Webhook mode instead of long polling: the public URL Telegram posts to (empty: polling)
    # and the secret it must send as X-Telegram-Bot-Api-Secret-Token.
    telegram_webhook_url: str = ""
    telegram_webhook_secret: str = ""
    telegram_webhook_port: int = 8443
    # Messages per chat per minute the bot answers before asking the resident to slow down.
    telegram_chat_rate_per_minute: int = Field(default=20, ge=1)

    # WeChat (docs/wechat.md). The 公众号 (Official Account) callback /channels/wechat/oa is on
    # when its token is set: token, AppID, AppSecret and EncodingAESKey (safe mode) as in the
    # account's 基本配置. WeCom (企业微信) for staff, /channels/wechat/work, is on when its token
    # is set (its callback is always encrypted: the key is required). The API base URLs point
    # at WeChat's own servers, or the tests' loopback stand-in. With the AES key set, plain
    # (unencrypted) 公众号 callbacks are refused. A malformed EncodingAESKey switches that
    # part off with one error line at start; the gateway starts anyway.
    wechat_token: str = ""
    wechat_app_id: str = ""
    wechat_app_secret: str = ""
    wechat_aes_key: str = ""
    wechat_api_base_url: str = "https://api.weixin.qq.com"
    # How long a callback waits for the dialogue before it answers "success" and sends the
    # reply by the customer-service API instead (WeChat gives up after 5 s).
    wechat_reply_seconds: float = Field(default=4.0, gt=0, le=4.5)
    # How often the gateway delivers the outbox's wechat/wecom rows.
    wechat_outbox_seconds: float = Field(default=5.0, gt=0)
    wecom_corp_id: str = ""
    wecom_agent_id: str = ""
    wecom_secret: str = ""
    wecom_token: str = ""
    wecom_aes_key: str = ""
    wecom_api_base_url: str = "https://qyapi.weixin.qq.com"
    # WeCom userids that may move tickets from WeCom, each bound to the console user it acts
    # as ("userid:console username,…"; that user's role decides what it may do), and who
    # receives staff alerts.
    wecom_staff: str = ""
    wecom_alert_to: str = ""

    log_level: str = "INFO"

    @field_validator("chat_api_key")
    @classmethod
    def _chat_api_keys_parse(cls, value: str) -> str:
        from assistant.residents.identity import parse_integration_keys

        parse_integration_keys(value)  # a bad entry stops every process at start, clearly
        return value

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'butler.db'}"

    def ensure_dirs(self) -> None:
        for sub in ("", "logs", "kb", "models"):
            (self.data_dir / sub).mkdir(parents=True, exist_ok=True)


@lru_cache
def get_settings() -> Settings:
    return Settings()
