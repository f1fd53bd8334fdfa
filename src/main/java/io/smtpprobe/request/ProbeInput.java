package io.smtpprobe.request;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Untrusted input from any entry point, as text, before validation: command-line options, a
 * JSON body and an SmtpProbe spec all become one of these, so one validator judges them all.
 * A field that was not given has no values and gets its default.
 */
public final class ProbeInput {
    private final Map<Field, List<String>> values = new EnumMap<>(Field.class);

    public ProbeInput add(Field field, String value) {
        List<String> list = values.get(field);
        if (list == null) {
            list = new ArrayList<>();
            values.put(field, list);
        }
        list.add(value);
        return this;
    }

    public ProbeInput addAll(Field field, Collection<String> list) {
        for (String value : list) {
            add(field, value);
        }
        return this;
    }

    public boolean has(Field field) {
        return values.containsKey(field);
    }

    public List<String> all(Field field) {
        return values.getOrDefault(field, List.of());
    }

    /** The value of a single-valued field: the last one given, or null. */
    public String last(Field field) {
        List<String> list = all(field);
        return list.isEmpty() ? null : list.get(list.size() - 1);
    }
}
