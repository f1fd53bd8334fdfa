package io.smtpprobe.engine.smtp;

import io.smtpprobe.core.MessageContent;
import io.smtpprobe.core.ProbeOptions;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The prober's {@link MessageTemplate}s, one per message content and envelope: the operator probes
 * the same spec every cycle, so the headers, line ends and dot-stuffing of its message are done
 * once instead of once per dialogue. Thread-safe; bounded, as specs come and go.
 */
final class MessageTemplates {

    /** Far above the distinct DATA settings of one operator; beyond it the cache starts over. */
    static final int MAX_TEMPLATES = 256;

    private record Key(MessageContent content, String mailFrom, List<String> rcptTo, String ehloName) {
    }

    private final ConcurrentMap<Key, MessageTemplate> templates = new ConcurrentHashMap<>();

    /**
     * The template for these options' message ({@link ProbeOptions#data()} not null).
     *
     * @throws UnsafeCommandException when the message cannot be sent safely (never cached)
     */
    MessageTemplate of(ProbeOptions options) {
        Key key = new Key(options.data(), options.mailFrom(), options.rcptTo(), options.ehloName());
        MessageTemplate template = templates.get(key);
        if (template != null) {
            return template;
        }
        template = MessageBuilder.template(key.content(), key.mailFrom(), key.rcptTo(), key.ehloName());
        if (templates.size() >= MAX_TEMPLATES) {
            templates.clear();
        }
        templates.putIfAbsent(key, template);
        return template;
    }

    int size() {
        return templates.size();
    }
}
