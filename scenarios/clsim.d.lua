---@meta
-- LuaLS definitions for clsim scenario scripts: editors complete and check
-- scenarios with this file. Times are integer microseconds of virtual time;
-- money is integer minor units.

---@alias Micros integer
---@alias Minor integer
---@alias CampaignRef Campaign|string   a handle from campaign{} or its id ("c-7")
---@alias RuleRef RuleCampaign|string

---@class ScenarioSpec
---@field name? string
---@field seed? integer       --seed on the command line wins over it
---@field max_time? Micros    bound for run_until_quiet and the final run (default 30 days)

---Declares the scenario. Must come before the first action.
---@param spec ScenarioSpec
function scenario(spec) end

---@class AudienceSpec
---@field users? integer               audience users "u-1".."u-N" (default 500)
---@field engage_probability? number   chance a user engages with a campaign's tweet (default 0.3)
---@field mean_delay? Micros           mean delay before an engagement
---@field weights? {like?: integer, retweet?: integer, quote?: integer, reply?: integer}

---@class TwitterFaults
---@field error_rate? number
---@field timeout_rate? number
---@field timeout_after_create_rate? number
---@field rate_limit? boolean
---@field latency_min? Micros
---@field latency_max? Micros

---@class HederaFaults
---@field busy_rate? number
---@field unknown_outcome_rate? number
---@field receipt_delay_min? Micros
---@field receipt_delay_max? Micros

---@class BusFaults
---@field duplicate_rate? number
---@field delay_min? Micros
---@field delay_max? Micros
---@field reorder? boolean
---@field partition_rate? number

---@class WebSocketFaults
---@field disconnect_rate? number
---@field slow_clients? integer

---@class DiskFaults
---@field lose_unsynced_on_crash? boolean  a crash is a power loss of the database's machine
---@field torn_write? boolean
---@field ioerr_rate? number
---@field full? boolean

---@class FaultTable
---@field twitter? TwitterFaults
---@field hedera? HederaFaults
---@field bus? BusFaults
---@field websocket? WebSocketFaults
---@field disk? DiskFaults

---@class EngineTiming                 each a duration > 0; defaults are production values
---@field poll_interval? Micros          engagement poll (5 min)
---@field heartbeat_interval? Micros     heartbeat and sweeps (30 s)
---@field resume_after? Micros           a saga step's resume timer (60 s)
---@field timer_lease? Micros            a fired one-shot timer's lease (60 s)
---@field payment_lease? Micros          a ledger payment's lease (300 s)
---@field tweet_lease? Micros            a tweet step's lease (300 s)
---@field claim_stale? Micros            bus entries another consumer held this long are taken (60 s)
---@field claim_stale_at_start? Micros   at start, entries idle this long come back (5 s)
---@field tx_valid? Micros               a ledger transaction's valid duration (120 s; 15..180 s)
---@field rule_end_grace? Micros         an ended rule campaign waits for queued events (600 s)
---@field expiry_recheck? Micros         an expiry that met a claim in flight looks again (5 s)

---@class WorldSpec
---@field engines? integer             engines sharing the store and bus (default 1)
---@field clients? integer             dashboard clients watching every campaign (default 2)
---@field audience? AudienceSpec
---@field accounts? table<string, Minor>  starting ledger balances; others start with 10^12
---@field faults? FaultTable
---@field engine? EngineTiming          the engines' timing (a live capture's world line carries it)

---Configures the world. Optional; must come before the first action.
---@param spec WorldSpec
function world(spec) end

---@param n number
---@return Micros
function ms(n) end
---@param n number
---@return Micros
function seconds(n) end
---@param n number
---@return Micros
function minutes(n) end
---@param n number
---@return Micros
function hours(n) end
---@param n number
---@return Micros
function days(n) end

---Advances virtual time by `d`, processing everything due.
---@param d Micros
function run_for(d) end

---Runs until no foreground work is pending (bounded by max_time).
---@return boolean quiet
function run_until_quiet() end

---Current virtual time, microseconds since the Unix epoch.
---@return Micros
function now() end

---Records a check; a false condition fails the run (every failure is listed).
---@param cond any
---@param message? string
---@return boolean
function check(cond, message) end

---Runs `fn` at now + d as its own simulation event (an extension of the contract).
---@param d Micros
---@param fn fun()
function after(d, fn) end

---@class Rates
---@field like Minor
---@field retweet Minor
---@field quote Minor
---@field reply Minor

---@class CampaignSpec
---@field id? string
---@field owner string
---@field budget Minor
---@field duration Micros
---@field claim_window Micros
---@field rates Rates
---@field text? string      at most 280 Unicode code points

---@class Campaign
---@field id string

---Creates a social campaign (state CREATED). Raises on an invalid field, naming it.
---@param spec CampaignSpec
---@return Campaign
function campaign(spec) end

---Starts the publish saga. A refusal is `false, reason`.
---@param c CampaignRef
---@param opts? {by?: string}
---@return boolean ok
---@return string? reason
function publish(c, opts) end

---Changes a CREATED campaign; only its owner may.
---@param c CampaignRef
---@param change {text?: string, rates?: Rates, duration?: Micros, claim_window?: Micros}
---@param opts? {by?: string}
---@return boolean ok
---@return string? reason
function update(c, change, opts) end

---Claims `user`'s reward of a campaign in REWARD_CLAIM.
---@param c CampaignRef
---@param user string
---@return boolean ok
---@return string? reason
function claim(c, user) end

--- (extension) `user` engages with the campaign's first tweet on mock X now.
---@param c CampaignRef
---@param user string
---@param kind "like"|"retweet"|"quote"|"reply"
---@return boolean landed   false before the first tweet exists, or for a repeat
function engage(c, user, kind) end

---@param c CampaignRef
---@return string state   CREATED|PUBLISHING|RUNNING|CLOSED|REWARD_CLAIM|EXPIRED|FAILED
function state(c) end

---Ids of the tweets posted for the campaign, as the social service holds them.
---@param c CampaignRef
---@return string[]
function tweets(c) end

---@param account string
---@return Minor
function balance(account) end

---@class Reward
---@field user string
---@field amount Minor
---@field status string   claimable|claimed|returned

---@param c CampaignRef
---@return Reward[]
function rewards(c) end

---@class CrashAtOptions
---@field engine? integer        default: any engine
---@field times? integer         default 1
---@field restart_after? Micros  default 0

---Arms a named crash point (see `clsim list crash-points`).
---@param point string
---@param opts? CrashAtOptions
function crash_at(point, opts) end

---@alias ScheduledFaultKey "twitter_unauthorized"|"twitter_forbidden"|"twitter_timeout"|"twitter_error"|"twitter_reply_rejected"|"twitter_timeout_after_create"|"twitter_error_after_create"|"twitter_partial_result"|"hedera_busy"|"hedera_platform_not_created"|"hedera_platform_not_active"|"hedera_slow_node"|"hedera_contract_revert"|"hedera_insufficient_gas"|"hedera_consensus_gas_exhausted"|"hedera_throttled_at_consensus"|"hedera_unknown_outcome"|"hedera_mirror_unreachable"|"bus_partition"|"bus_duplicate"|"websocket_disconnect"|"websocket_reconnect_failed"|"disk_ioerr"

---@class ScheduledFault
---@field at Micros              since the scenario start; the entry counts calls from then on
---@field fault ScheduledFaultKey
---@field on string              the call it hits, e.g. "POST /2/tweets c-1", "memo clsim:c-1:claim:bob", "XADD campaign-events", "client 2", "sync <database file>"
---@field nth? integer           fire on the nth such call at or after `at` (default 1)

---Declares that faults fire at these calls and nowhere else: the random fault
---decisions of the world's fault rates are replaced by the schedule (the rates
---still shape the random streams). What `clsim shrink` writes. Must come
---before the first action.
---@param entries ScheduledFault[]
function fault_schedule(entries) end

---Crashes engine n now (a process crash; a power loss with disk.lose_unsynced_on_crash).
---With `restart_after` the engine starts again after that delay (an extension).
---@param n integer
---@param restart_after? Micros
function crash(n, restart_after) end

---Starts engine n again on the same disk.
---@param n integer
function restart(n) end

---Merges a fault table into the running world's faults.
---@param f FaultTable
function faults(f) end

---Turns every fault off (the start of a liveness phase).
function heal() end

---@class StateEvent
---@field type string
---@field campaign_id string
---@field seq integer
---@field state string
---@field time_us Micros

---Observes events, e.g. "campaign:state:v1:success"; `fn` may call commands.
---@param type string
---@param fn fun(ev: StateEvent)
function on(type, fn) end

---@class RuleCondition
---@field field string   a dot path into the event payload
---@field op string      = != > >= < <= contains in
---@field value any

---@class Rule
---@field event_type string
---@field when? RuleCondition[]
---@field reward Minor

---@class RuleCampaignSpec
---@field id? string
---@field owner string
---@field budget Minor
---@field duration Micros
---@field rules Rule[]

---@class RuleCampaign
---@field id string

---@param spec RuleCampaignSpec
---@return RuleCampaign
function rule_campaign(spec) end

---@param ev {id: string, type: string, user: string, payload?: table}
---@return boolean ok
---@return string? reason
function customer_event(ev) end

---@class Match
---@field event_id string
---@field user string
---@field reward Minor
---@field status string   paid|unpaid
---@field reason? string

---@param r RuleRef
---@return Match[]
function matches(r) end

---@class DeadLetter
---@field event_id string
---@field reason string     poison|retries_exhausted
---@field message string
---@field attempts integer

---@return DeadLetter[]
function dead_letters() end

---@param event_id string
---@return boolean ok
---@return string? reason
function redrive(event_id) end

---Values given with --set KEY=VALUE.
---@type table<string, string>
args = {}
