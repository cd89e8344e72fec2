export const id = 649;
export const ids = [649];
export const modules = {

/***/ 2649:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  runMirror: () => (/* binding */ runMirror)
});

// EXTERNAL MODULE: ./src/core/confluent/types.ts
var types = __webpack_require__(5663);
// EXTERNAL MODULE: ./src/core/errors.ts
var errors = __webpack_require__(4296);
// EXTERNAL MODULE: ./src/core/log.ts
var log = __webpack_require__(4325);
// EXTERNAL MODULE: ./src/core/time.ts
var time = __webpack_require__(2334);
// EXTERNAL MODULE: ./src/actions/ccloud-mirror/operations.ts
var operations = __webpack_require__(6594);
;// CONCATENATED MODULE: ./src/actions/ccloud-mirror/plan.ts

/**
 * Decides, without any I/O, which topics an operation touches: the named ones, the pattern's
 * matches or every mirror of the link (`create`: one per source topic, named prefix + source).
 */
function planTopics(operation, selection, mirrors, create = { sourceTopics: [], prefix: '' }) {
    const byName = new Map(mirrors.map((m) => [m.mirrorTopicName, m]));
    const spec = operations/* SPECS */.ne[operation];
    const classify = (topic, before, source) => {
        if (operation === 'status')
            return { topic, source: before?.sourceTopicName ?? source, before, step: before ? 'report' : 'missing' };
        if (before && operation === 'create')
            return { topic, source: before.sourceTopicName, before, step: 'already' };
        if (before && before.mirrorStatus === spec.target)
            return { topic, source: before.sourceTopicName, before, step: 'already' };
        // A named topic the list does not show is still sent: truncate-and-restore names the divergent
        // ex-source, which is no mirror yet, and for the others the server's per-topic answer says why.
        return { topic, source: before?.sourceTopicName ?? source, before, step: 'send' };
    };
    if (operation === 'create') {
        return create.sourceTopics.map((source) => classify(create.prefix + source, byName.get(create.prefix + source), source));
    }
    switch (selection.kind) {
        case 'names':
            return selection.names.map((name) => classify(name, byName.get(name)));
        case 'pattern':
            return mirrors.filter((m) => selection.pattern.test(m.mirrorTopicName)).map((m) => classify(m.mirrorTopicName, m));
        case 'all':
            return mirrors.map((m) => classify(m.mirrorTopicName, m));
    }
}
/** Highest and summed lag over a topic's partitions (no topic-level total exists in the API). */
function lagOf(lags) {
    let max = 0;
    let total = 0;
    for (const l of lags) {
        // A negative lag (unknown) would make the RPO look better than it is: count it as 0.
        const lag = Math.max(0, l.lag);
        if (lag > max)
            max = lag;
        total += lag;
    }
    return { max, total };
}
/** Partitions whose lag is above `maxLag`, among the topics about to be cut. */
function lagViolations(planned, maxLag) {
    const found = [];
    for (const p of planned) {
        if (p.step !== 'send' || !p.before)
            continue;
        for (const l of p.before.mirrorLags)
            if (l.lag > maxLag)
                found.push({ topic: p.topic, partition: l.partition, lag: l.lag });
    }
    return found;
}
/** Splits into consecutive chunks of at most `size` (ceil(n / size) chunks). */
function chunk(items, size) {
    const chunks = [];
    for (let i = 0; i < items.length; i += size)
        chunks.push(items.slice(i, i + size));
    return chunks;
}
/** `a, b, c and 7 more`: keeps error lines readable with 1,000 topics. */
function listSome(items, limit = 20) {
    if (items.length <= limit)
        return items.join(', ');
    return `${items.slice(0, limit).join(', ')} and ${items.length - limit} more`;
}

;// CONCATENATED MODULE: ./src/actions/ccloud-mirror/wait.ts



/** The first waits are short (state changes are often quick), then every `pollIntervalMs`. */
function pollDelay(poll, pollIntervalMs) {
    return Math.min(pollIntervalMs, 250 * 2 ** poll);
}
/**
 * Polls with ONE list call per poll (never one call per topic) until every awaited topic shows
 * `target`, breaks, or the deadline passes. The first poll is immediate.
 */
async function waitForStatus(list, awaited, target, options) {
    const { clock, logger } = options;
    const started = clock.now();
    const deadline = started + options.timeoutMs;
    const outcome = { latest: new Map(), reached: new Set(), broken: new Set(), settled: new Set(), timedOut: false, polls: 0, sleptMs: 0 };
    const before = new Map(awaited.map((a) => [a.topic, a.beforeStatus]));
    // A topic whose verb was rejected is worth waiting for only while it is on its way (PENDING_*):
    // that is a re-run meeting its own earlier request, which counts once the target is reached.
    const rejected = new Set(awaited.filter((a) => a.rejected).map((a) => a.topic));
    let open = awaited.map((a) => a.topic);
    while (open.length > 0) {
        let mirrors;
        try {
            mirrors = await list();
        }
        catch (err) {
            outcome.pollError = (0,errors/* describeError */.Uc)(err);
            logger.warning(`Stopped waiting for ${target}: ${outcome.pollError}`);
            return outcome;
        }
        outcome.polls++;
        const byName = new Map(mirrors.map((m) => [m.mirrorTopicName, m]));
        const stillOpen = [];
        const counts = new Map();
        for (const topic of open) {
            const seen = byName.get(topic);
            if (seen)
                outcome.latest.set(topic, seen);
            const status = seen?.mirrorStatus ?? 'NOT_LISTED';
            if (status === target)
                outcome.reached.add(topic);
            else if (rejected.has(topic) && !status.startsWith('PENDING_'))
                outcome.settled.add(topic);
            else if (operations/* BROKEN_STATUSES */.tp.has(status) && status !== before.get(topic))
                outcome.broken.add(topic);
            else {
                stillOpen.push(topic);
                counts.set(status, (counts.get(status) ?? 0) + 1);
            }
        }
        open = stillOpen;
        const elapsed = clock.now() - started;
        const pending = [...counts].map(([s, n]) => `${s}: ${n}`).join(', ');
        logger.info(`Waiting for ${target}: ${outcome.reached.size} of ${awaited.length} there${outcome.broken.size ? `, ${outcome.broken.size} broken` : ''}${outcome.settled.size ? `, ${outcome.settled.size} refused` : ''}${pending ? ` (${pending})` : ''} after ${(0,time/* formatDuration */.a3)(elapsed)}`);
        if (open.length === 0)
            break;
        const remaining = deadline - clock.now();
        if (remaining <= 0) {
            outcome.timedOut = true;
            break;
        }
        const delay = Math.min(remaining, pollDelay(outcome.polls - 1, options.pollIntervalMs));
        await clock.sleep(delay);
        outcome.sleptMs += delay;
    }
    return outcome;
}

;// CONCATENATED MODULE: ./src/actions/ccloud-mirror/mirror.ts







/** Failures after which sending more requests to the same cluster is pointless. */
const FATAL = new Set(['unauthenticated', 'forbidden', 'unreachable']);
/** Outcomes of topics cut by this run: only they count in a cut's total-lag (no double count on re-runs). */
const CUT_NOW = new Set(['changed', 'accepted', 'would-change']);
/** How many stuck topics get a GET with their state transition errors, at most. */
const DIAGNOSE_LIMIT = 10;
/**
 * Runs one mirror operation: preflight (link, mode, reachability, lag) → alter in chunks → wait
 * with one list call per poll → a result per topic. Throws only when nothing could be tried (bad
 * link, auth, lag refusal); per-topic failures come back in the result, after all were tried.
 */
async function runMirror(api, config, deps = {}) {
    const clock = deps.clock ?? time/* systemClock */.ml;
    const logger = deps.logger ?? log/* silentLogger */.q;
    const started = clock.now();
    const spec = operations/* SPECS */.ne[config.operation];
    const where = `cluster ${api.clusterId}, link ${config.linkName}`;
    const link = await preflightLink(api, config, spec, where, logger);
    const prefix = config.operation === 'create' ? await linkPrefix(api, config.linkName) : '';
    const mirrors = await api.listMirrors(config.linkName);
    const requestsBefore = api.requestCount;
    let planned;
    let presend;
    if (config.operation === 'truncate-and-restore' && config.selection.kind !== 'names') {
        // The topics to restore are the local ex-sources, which the local mirror list does not show:
        // only the server, which sees the peer's STOPPED mirrors, can match a pattern against them.
        checkSourceReachable(config, spec, link, [], where);
        ({ planned, sent: presend } = await truncateByPattern(api, config, mirrors));
    }
    else {
        planned = planTopics(config.operation, config.selection, mirrors, { sourceTopics: config.sourceTopics, prefix });
    }
    if (planned.length === 0 && config.operation !== 'status') {
        const what = config.selection.kind === 'pattern' ? `match the pattern '${config.selection.text}'` : 'exist on it';
        const restoring = config.operation === 'truncate-and-restore';
        throw new errors/* ActionError */.lZ(`no ${restoring ? 'topics' : 'mirror topics'} ${what}, so there is nothing to ${config.operation}`, {
            where,
            fix: restoring
                ? 'truncate-and-restore applies to the former source topics on this cluster whose mirrors on the peer cluster are STOPPED (after a failover there): check that the failover ran, or name the topics in mirror-topics'
                : mirrors.length
                    ? `The link mirrors: ${listSome(mirrors.map((m) => m.mirrorTopicName))}`
                    : 'The link has no mirror topics: check link-name and that this is the cluster holding the mirrors',
        });
    }
    checkSourceReachable(config, spec, link, planned, where);
    const forcedOver = checkLag(config, spec, planned, where, logger);
    const toSend = planned.filter((p) => p.step === 'send');
    const already = planned.filter((p) => p.step === 'already').length;
    if (config.operation !== 'status') {
        logger.info(`${config.dryRun ? 'Dry run: validating' : 'Sending'} ${config.operation} for ${toSend.length} topic(s) of link ${config.linkName}${already ? `; ${already} already ${config.operation === 'create' ? 'exist' : spec.target}, nothing to send for them` : ''}`);
    }
    const sent = presend ?? (config.operation === 'create' ? await sendCreates(api, config, toSend, logger) : await sendVerb(api, config, spec, toSend, logger));
    const alterRequests = api.requestCount - requestsBefore;
    let waited;
    let listing;
    const accepted = toSend.filter((p) => sent.get(p.topic)?.error === undefined);
    const rejected = toSend.filter((p) => sent.get(p.topic)?.error !== undefined && !sent.get(p.topic)?.unsent);
    if (config.wait && !config.dryRun && spec.target && accepted.length + rejected.length > 0) {
        waited = await waitForStatus(async () => (listing = await api.listMirrors(config.linkName)), [...accepted.map((p) => ({ topic: p.topic, beforeStatus: p.before?.mirrorStatus })), ...rejected.map((p) => ({ topic: p.topic, beforeStatus: p.before?.mirrorStatus, rejected: true }))], spec.target, { timeoutMs: config.timeoutMs, pollIntervalMs: config.pollIntervalMs, clock, logger });
    }
    else if (!config.dryRun && rejected.length > 0) {
        // One listing to tell an "already stopped" answer (success) from a real failure.
        listing = await api.listMirrors(config.linkName).catch(() => undefined);
    }
    const diagnoses = waited ? await diagnose(api, config.linkName, accepted, waited) : new Map();
    const latest = new Map((listing ?? []).map((m) => [m.mirrorTopicName, m]));
    const topics = planned.map((p) => topicResult(p, spec, config, sent.get(p.topic), latest.get(p.topic), waited, diagnoses.get(p.topic)));
    const counted = topics.filter((t) => t.outcome !== 'failed');
    const lagged = spec.cut ? topics.filter((t) => CUT_NOW.has(t.outcome)) : counted;
    const truncated = topics.filter((t) => t.messagesTruncated !== undefined);
    return {
        operation: config.operation,
        clusterId: api.clusterId,
        link: config.linkName,
        dryRun: config.dryRun,
        target: spec.target,
        topics,
        succeeded: counted.map((t) => t.topic),
        failed: topics.filter((t) => t.outcome === 'failed').map((t) => t.topic),
        lagBasis: spec.cut ? 'cut' : 'current',
        maxLag: lagged.reduce((m, t) => Math.max(m, t.maxLag), 0),
        totalLag: lagged.reduce((s, t) => s + t.totalLag, 0),
        messagesTruncated: truncated.length ? truncated.reduce((s, t) => s + (t.messagesTruncated ?? 0), 0) : undefined,
        forcedOver,
        requests: api.requestCount,
        alterRequests,
        polls: waited?.polls ?? 0,
        timedOut: waited?.timedOut ?? false,
        durationMs: clock.now() - started,
        sleptMs: waited?.sleptMs ?? 0,
    };
}
async function preflightLink(api, config, spec, where, logger) {
    const link = await api.getLink(config.linkName, { includeTasks: true });
    if (!link) {
        const links = await api.listLinks();
        const names = links.map((l) => `${l.linkName} (${(0,types/* linkMode */.IG)(l)}${l.linkState ? `, ${l.linkState}` : ''})`);
        throw new errors/* ActionError */.lZ(`the cluster link '${config.linkName}' doesn't exist`, {
            where: `cluster ${api.clusterId}`,
            fix: names.length
                ? `Links on cluster ${api.clusterId}: ${names.join(', ')}. Set 'link-name' to one of them`
                : `Cluster ${api.clusterId} has no cluster links. A link lives on the cluster that holds its mirror topics (for failover, the DR cluster): check 'rest-endpoint' and 'cluster-id'`,
        });
    }
    const mode = (0,types/* linkMode */.IG)(link);
    if (spec.needsBidirectional && mode !== 'BIDIRECTIONAL' && mode !== 'UNKNOWN') {
        throw new errors/* ActionError */.lZ(`'${config.operation}' needs a BIDIRECTIONAL link, but '${config.linkName}' is a ${mode} link`, {
            where,
            fix: "Reverse and truncate verbs work only on bidirectional links (link.mode=BIDIRECTIONAL on both clusters). On this link use 'failover' or 'promote', and create the reverse link separately",
        });
    }
    if (link.linkError && link.linkError !== 'NO_ERROR')
        logger.warning(`Link ${config.linkName} reports ${link.linkError}${link.linkErrorMessage ? `: ${link.linkErrorMessage}` : ''}`);
    for (const task of link.tasks) {
        if (task.state === 'IN_ERROR')
            logger.warning(`Link task ${task.taskName} is IN_ERROR: ${task.errors.map((e) => `${e.errorCode} ${e.errorMessage}`).join('; ')}`);
    }
    return link;
}
async function linkPrefix(api, link) {
    const configs = await api.linkConfigs(link);
    return configs.find((c) => c.name === 'cluster.link.prefix')?.value ?? '';
}
function checkSourceReachable(config, spec, link, planned, where) {
    if (!spec.needsSource)
        return;
    const unavailable = planned.filter((p) => p.step === 'send' && p.before?.mirrorStatus === 'SOURCE_UNAVAILABLE').map((p) => p.topic);
    const linkDown = link.linkState === 'UNAVAILABLE' || link.linkState === 'FAILED';
    if (!linkDown && unavailable.length === 0)
        return;
    const why = [linkDown ? `the link is ${link.linkState}${link.linkError && link.linkError !== 'NO_ERROR' ? ` (${link.linkError})` : ''}` : '', unavailable.length ? `${unavailable.length} topic(s) are SOURCE_UNAVAILABLE: ${listSome(unavailable)}` : '']
        .filter(Boolean)
        .join(' and ');
    const fixes = {
        promote: "The source cluster cannot be reached, and promote needs it for a final sync. If the source is down, use 'operation: failover': it stops mirroring at once, and the records not yet mirrored (reported as total-lag) are lost",
        'reverse-and-start-mirror': "Reverse verbs need both clusters reachable. If the old primary is down, use 'operation: failover' now, and 'truncate-and-restore' on the old primary once it is back",
        'reverse-and-pause-mirror': "Reverse verbs need both clusters reachable. If the old primary is down, use 'operation: failover' now, and 'truncate-and-restore' on the old primary once it is back",
    };
    throw new errors/* ActionError */.lZ(`cannot ${config.operation}: the remote cluster is not reachable from the link: ${why}`, {
        where,
        fix: fixes[config.operation] ?? 'Wait until the remote cluster is reachable again (the link ACTIVE), then re-run',
    });
}
function checkLag(config, spec, planned, where, logger) {
    if (!spec.cut || config.maxLag === undefined)
        return undefined;
    const over = lagViolations(planned, config.maxLag).sort((a, b) => b.lag - a.lag);
    if (over.length === 0)
        return undefined;
    const lines = over.slice(0, 50).map((o) => `${o.topic} partition ${o.partition}: lag ${o.lag}`);
    const more = over.length > 50 ? `; and ${over.length - 50} more partition(s)` : '';
    const topics = new Set(over.map((o) => o.topic)).size;
    if (config.force) {
        logger.warning(`force: true: cutting ${topics} topic(s) with ${over.length} partition(s) above max-lag ${config.maxLag}: ${lines.join('; ')}${more}`);
        return over;
    }
    throw new errors/* ActionError */.lZ(`refusing to ${config.operation}: ${over.length} partition(s) of ${topics} topic(s) lag more than max-lag ${config.maxLag}: ${lines.join('; ')}${more}`, {
        where,
        fix: "Nothing was changed. Stop the producers on the source and wait for the lag to drop, raise 'max-lag', or set 'force: true' to cut now and lose those records",
    });
}
async function sendVerb(api, config, spec, toSend, logger) {
    const sent = new Map();
    const chunks = chunk(toSend.map((p) => p.topic), config.chunkSize);
    for (const [i, names] of chunks.entries()) {
        let answers;
        try {
            answers = await api.alterMirrors(config.linkName, spec.verb, names, { validateOnly: config.dryRun, includePartitionLevelTruncationData: config.includePartitionDetail && spec.verb === 'truncate-and-restore' });
        }
        catch (err) {
            if (abortOrRecord(err, i, chunks.slice(i).flat(), names, sent))
                break;
            continue;
        }
        const byName = new Map(answers.map((a) => [a.mirrorTopicName, a]));
        for (const name of names) {
            const answer = byName.get(name);
            if (!answer)
                sent.set(name, { error: 'the answer had no result for this topic' });
            else if ((0,types/* alterFailed */.KT)(answer))
                sent.set(name, { answer, error: answerError(answer) });
            else
                sent.set(name, { answer });
        }
        if (chunks.length > 1)
            logger.info(`Sent ${spec.verb} for chunk ${i + 1} of ${chunks.length} (${names.length} topics)`);
    }
    return sent;
}
/**
 * truncate-and-restore by pattern (or of everything: `.*`), in one request. Topics that already
 * are ACTIVE mirrors here were restored before: done, whatever the server says about them now.
 */
async function truncateByPattern(api, config, mirrors) {
    const pattern = config.selection.kind === 'pattern' ? config.selection.text : '.*';
    const answers = await api.alterMirrors(config.linkName, 'truncate-and-restore', { pattern }, { validateOnly: config.dryRun, includePartitionLevelTruncationData: config.includePartitionDetail });
    const byName = new Map(mirrors.map((m) => [m.mirrorTopicName, m]));
    const planned = [];
    const sent = new Map();
    for (const answer of answers) {
        const before = byName.get(answer.mirrorTopicName);
        const done = before?.mirrorStatus === 'ACTIVE';
        planned.push({ topic: answer.mirrorTopicName, source: before?.sourceTopicName ?? answer.mirrorTopicName, before, step: done ? 'already' : 'send' });
        if (!done)
            sent.set(answer.mirrorTopicName, (0,types/* alterFailed */.KT)(answer) ? { answer, error: answerError(answer) } : { answer });
    }
    return { planned, sent };
}
async function sendCreates(api, config, toSend, logger) {
    const sent = new Map();
    if (config.dryRun) {
        // The create endpoint has no validate_only: a dry run only plans.
        for (const p of toSend)
            sent.set(p.topic, {});
        return sent;
    }
    // One at a time: the API has no batch create, and parallel calls are what trip its rate limit.
    for (const [i, p] of toSend.entries()) {
        try {
            await api.createMirror(config.linkName, p.source ?? p.topic, p.topic === p.source ? undefined : p.topic);
            sent.set(p.topic, {});
        }
        catch (err) {
            if (abortOrRecord(err, i, toSend.slice(i).map((t) => t.topic), [p.topic], sent))
                break;
        }
    }
    logger.info(`Created ${[...sent.values()].filter((s) => !s.error).length} mirror topic(s)`);
    return sent;
}
/**
 * Handles a failed request. Fatal failures (auth, unreachable) throw when nothing was sent yet,
 * and otherwise mark every unsent topic failed and return true (stop). Others fail only `names`.
 */
function abortOrRecord(err, index, unsent, names, sent) {
    if (!(err instanceof errors/* ActionError */.lZ))
        throw err;
    const kind = err.kind;
    const fatal = kind !== undefined && FATAL.has(kind);
    if (fatal && index === 0)
        throw err;
    const reason = (0,errors/* describeError */.Uc)(err);
    if (fatal) {
        for (const name of unsent)
            sent.set(name, { error: `not sent: ${reason}`, unsent: true });
        return true;
    }
    for (const name of names)
        sent.set(name, { error: reason });
    return false;
}
/** A per-topic alter failure as users read it: the code and the server's message. */
function answerError(answer) {
    return `error_code ${answer.errorCode ?? '–'}: ${answer.errorMessage ?? '(no message)'}`;
}
async function diagnose(api, link, accepted, waited) {
    const stuck = accepted.map((p) => p.topic).filter((t) => !waited.reached.has(t)).slice(0, waited.pollError ? 0 : DIAGNOSE_LIMIT);
    const found = new Map();
    for (const topic of stuck) {
        const mirror = await api.getMirror(link, topic, { includeStateTransitionErrors: true }).catch(() => undefined);
        const errors = mirror?.stateTransitionErrors.map((e) => `${e.errorCode}: ${e.errorMessage}`) ?? [];
        if (errors.length)
            found.set(topic, `state transition errors: ${errors.join('; ')}`);
    }
    return found;
}
function topicResult(p, spec, config, sent, now, waited, diagnosis) {
    const before = p.before?.mirrorStatus ?? 'NOT_A_MIRROR';
    const base = { topic: p.topic, source: p.source ?? now?.sourceTopicName, before };
    const lagsNow = (now ?? p.before)?.mirrorLags ?? [];
    // At a cut, the lag that matters is the one when mirroring stopped: the verb's answer, else the listing just before.
    const cutLags = sent?.answer?.mirrorLags.length ? sent.answer.mirrorLags : (p.before?.mirrorLags ?? []);
    const lags = spec.cut && p.step === 'send' ? cutLags : lagsNow;
    const { max, total } = lagOf(lags);
    const extra = {};
    if (config.includePartitionDetail)
        extra.partitions = lags.map((l) => ({ partition: l.partition, lag: l.lag, lastSourceFetchOffset: l.lastSourceFetchOffset }));
    if (sent?.answer && spec.verb === 'truncate-and-restore' && sent.answer.messagesTruncated !== null)
        extra.messagesTruncated = sent.answer.messagesTruncated;
    if (config.includePartitionDetail && sent?.answer?.partitionLevelTruncationData.length) {
        extra.truncation = sent.answer.partitionLevelTruncationData.map((t) => ({ partition: t.partitionId, offsetTruncatedTo: t.offsetTruncatedTo, messagesTruncated: t.messagesTruncated }));
    }
    const result = (outcome, after, more = {}) => ({ ...base, after, maxLag: max, totalLag: total, outcome, ...extra, ...more });
    const after = now?.mirrorStatus ?? (p.before ? before : 'NOT_A_MIRROR');
    switch (p.step) {
        case 'report':
            return result('reported', before, p.before?.mirrorTopicError ? { note: `mirror_topic_error ${p.before.mirrorTopicError}` } : {});
        case 'already':
            return result('already', after, { note: `already ${config.operation === 'create' ? 'a mirror topic' : before}: nothing sent` });
        case 'missing':
            return result('failed', after, { error: `not a mirror topic on link ${config.linkName}` });
    }
    if (sent?.error !== undefined) {
        // Retried POSTs and re-runs meet "already stopped"-style answers: the listing decides.
        if (!config.dryRun && now?.mirrorStatus === spec.target)
            return result('changed', after, { note: `the server answered "${sent.error}", but the topic is ${spec.target}` });
        return result('failed', after, { error: sent.error });
    }
    if (config.dryRun)
        return result('would-change', before);
    if (!waited)
        return result('accepted', after, { note: config.wait ? undefined : 'accepted; not awaited (wait: false)' });
    if (waited.reached.has(p.topic))
        return result('changed', after);
    const seen = waited.latest.get(p.topic);
    const status = seen?.mirrorStatus ?? 'not listed';
    const topicError = seen?.mirrorTopicError ? ` (mirror_topic_error ${seen.mirrorTopicError})` : '';
    const detail = diagnosis ? `; ${diagnosis}` : '';
    if (waited.broken.has(p.topic))
        return result('failed', status, { error: `went ${status}${topicError} instead of ${spec.target}${detail}` });
    if (waited.pollError)
        return result('failed', status, { error: `accepted, but reaching ${spec.target} could not be confirmed: ${waited.pollError}` });
    return result('failed', status, { error: `still ${status}${topicError} when the wait for ${spec.target} timed out${detail}` });
}


/***/ }),

/***/ 5663:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   IG: () => (/* binding */ linkMode),
/* harmony export */   KT: () => (/* binding */ alterFailed),
/* harmony export */   OE: () => (/* binding */ decodeAlterResult),
/* harmony export */   V3: () => (/* binding */ decodeLink),
/* harmony export */   WM: () => (/* binding */ decodeMirror),
/* harmony export */   bB: () => (/* binding */ listData),
/* harmony export */   nb: () => (/* binding */ decodeLinkConfig)
/* harmony export */ });
/* unused harmony export decodeLags */
/**
 * Types for the cluster-link and mirror-topic part of Confluent's Kafka REST v3, and decoders that
 * turn raw bodies into them. Real responses carry explicit nulls and the status enums keep growing,
 * so every decoder accepts null or missing optional fields and keeps unknown statuses as strings.
 */
/**
 * Whether one per-topic alter result is a failure, by the robust rule: a non-null non-zero
 * `error_code`, or a non-empty `error_message` (the CLI and kcp each check only one of them).
 */
function alterFailed(result) {
    return (result.errorCode !== null && result.errorCode !== 0) || (result.errorMessage !== null && result.errorMessage !== '');
}
/** DESTINATION, SOURCE or BIDIRECTIONAL, from which cluster id the link carries (as the CLI does). */
function linkMode(link) {
    if (link.remoteClusterId)
        return 'BIDIRECTIONAL';
    if (link.sourceClusterId)
        return 'DESTINATION';
    if (link.destinationClusterId)
        return 'SOURCE';
    return 'UNKNOWN';
}
function str(value) {
    return typeof value === 'string' ? value : undefined;
}
function num(value) {
    return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}
function arr(value) {
    return Array.isArray(value) ? value.filter((v) => v !== null && typeof v === 'object') : [];
}
/** Reads a list envelope's `data`; throws when the body is not one (a proxy page, say). */
function listData(body, what) {
    if (body === null || typeof body !== 'object' || !Array.isArray(body.data)) {
        throw new Error(`the answer to ${what} is not a list (no 'data' array)`);
    }
    return arr(body.data);
}
/** `mirror_lags`: one entry per partition. */
function decodeLags(value) {
    return arr(value).map((l) => ({ partition: num(l.partition) ?? 0, lag: num(l.lag) ?? 0, lastSourceFetchOffset: num(l.last_source_fetch_offset) ?? -1 }));
}
const NO_TOPIC_ERROR = new Set(['', 'NO_ERROR', 'NOT_SET']);
/** `ListMirrorTopicsResponseData`; NO_ERROR and NOT_SET topic errors become undefined. */
function decodeMirror(raw) {
    const topicError = str(raw.mirror_topic_error);
    return {
        linkName: str(raw.link_name) ?? '',
        mirrorTopicName: str(raw.mirror_topic_name) ?? '',
        sourceTopicName: str(raw.source_topic_name) ?? '',
        numPartitions: num(raw.num_partitions) ?? 0,
        mirrorLags: decodeLags(raw.mirror_lags),
        mirrorStatus: str(raw.mirror_status) ?? 'UNKNOWN',
        stateTimeMs: num(raw.state_time_ms) ?? 0,
        mirrorTopicError: topicError === undefined || NO_TOPIC_ERROR.has(topicError) ? undefined : topicError,
        stateTransitionErrors: arr(raw.mirror_state_transition_errors).map((e) => ({ errorCode: String(e.error_code ?? ''), errorMessage: str(e.error_message) ?? '' })),
    };
}
/** `AlterMirrorStatusResponseData`, nulls kept (they carry meaning: null error = accepted). */
function decodeAlterResult(raw) {
    const code = num(raw.error_code);
    return {
        mirrorTopicName: str(raw.mirror_topic_name) ?? '',
        errorCode: code ?? null,
        errorMessage: str(raw.error_message) ?? null,
        mirrorLags: decodeLags(raw.mirror_lags),
        messagesTruncated: num(raw.messages_truncated) ?? null,
        partitionLevelTruncationData: arr(raw.partition_level_truncation_data).map((p) => ({
            partitionId: num(p.partition_id) ?? 0,
            offsetTruncatedTo: num(p.offset_truncated_to) ?? 0,
            messagesTruncated: num(p.messages_truncated) ?? 0,
        })),
    };
}
/** `ListLinksResponseData`; accepts the deprecated `link_id` when `cluster_link_id` is missing. */
function decodeLink(raw) {
    const nullable = (v) => str(v) ?? null;
    return {
        linkName: str(raw.link_name) ?? '',
        clusterLinkId: str(raw.cluster_link_id) ?? str(raw.link_id) ?? '',
        sourceClusterId: nullable(raw.source_cluster_id),
        destinationClusterId: nullable(raw.destination_cluster_id),
        remoteClusterId: nullable(raw.remote_cluster_id),
        topicNames: Array.isArray(raw.topic_names) ? raw.topic_names.filter((t) => typeof t === 'string') : [],
        linkState: str(raw.link_state),
        linkError: str(raw.link_error),
        linkErrorMessage: str(raw.link_error_message),
        tasks: arr(raw.tasks).map((t) => ({
            taskName: str(t.task_name) ?? '',
            state: str(t.state) ?? 'UNKNOWN',
            errors: arr(t.errors).map((e) => ({ errorCode: String(e.error_code ?? ''), errorMessage: str(e.error_message) ?? '' })),
        })),
    };
}
/** One `ListLinkConfigsResponseData` entry. */
function decodeLinkConfig(raw) {
    return { name: str(raw.name) ?? '', value: str(raw.value) ?? null };
}


/***/ })

};
