package io.smtpprobe.operator.controller;

import io.smtpprobe.api.v1alpha1.SmtpProbe;
import java.util.List;
import java.util.Optional;

/** The SmtpProbe resources as the operator's informer cache holds them, for readers such as the REST API. */
public interface SmtpProbeCatalog {
    List<SmtpProbe> list();

    Optional<SmtpProbe> get(ResourceKey key);
}
