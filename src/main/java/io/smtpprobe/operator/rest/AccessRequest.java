package io.smtpprobe.operator.rest;

/**
 * One question for a SubjectAccessReview: a verb on {@code smtpprobes} (or one of its subresources) in a
 * namespace ({@code null}: all namespaces), or a verb on a non-resource path such as {@code /metrics}.
 */
record AccessRequest(String verb, String namespace, String resource, String subresource, String path) {
    static final String GROUP = "smtpprobe.io";
    static final String SMTPPROBES = "smtpprobes";
    /** Virtual subresources: nothing stores them, RBAC on them is the permission. */
    static final String CHECKS = "checks";
    static final String DELIVERIES = "deliveries";

    static AccessRequest probes(String verb, String namespace) {
        return new AccessRequest(verb, namespace, SMTPPROBES, null, null);
    }

    static AccessRequest subresource(String subresource, String namespace) {
        return new AccessRequest("create", namespace, SMTPPROBES, subresource, null);
    }

    static AccessRequest nonResource(String verb, String path) {
        return new AccessRequest(verb, null, null, null, path);
    }

    boolean isNonResource() {
        return path != null;
    }

    /** As {@code kubectl auth can-i} would say it, for log lines and 403 bodies. */
    String describe() {
        if (isNonResource()) {
            return verb + " " + path;
        }
        String what = subresource == null ? resource : resource + "/" + subresource;
        return verb + " " + what + "." + GROUP + (namespace == null ? " in all namespaces" : " in namespace " + namespace);
    }
}
