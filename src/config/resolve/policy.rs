//! The safety policy and the tags that guard it.

use super::*;

impl Resolver {
    /// A tag one typo away from a guarding tag would silently drop the guard
    /// (a production host fixed like any other), so it is an error.
    pub(super) fn guard_tags(&mut self, m: &Merged, policy: &Policy) {
        let guards: Vec<(&str, &String)> = policy
            .data_tags
            .iter()
            .map(|t| ("data tag", t))
            .chain(policy.critical_tags.iter().map(|t| ("critical tag", t)))
            .collect();
        let holders = m
            .hosts
            .iter()
            .map(|(name, raw)| (format!("host `{name}`"), raw))
            .chain(
                m.groups
                    .iter()
                    .map(|(name, raw)| (format!("group `{name}`"), raw)),
            )
            .chain(m.defaults.iter().map(|raw| ("defaults".to_string(), raw)));
        for (holder, raw) in holders {
            for tag in &raw.tags {
                let near = guards.iter().find(|(_, guard)| {
                    *guard != tag
                        && (strsim::levenshtein(&guard.to_lowercase(), &tag.to_lowercase()) <= 2)
                });
                if let Some((what, guard)) = near {
                    self.problem(
                        &raw.location,
                        format!(
                            "tag `{tag}` on {holder} looks like the policy's {what} `{guard}`; \
                             fix the typo, or medic would treat this host as an ordinary one"
                        ),
                    );
                }
            }
        }
    }

    /// Guardrails may be tightened or loosened within bounds, never turned
    /// off: every limit stays finite and every rate stays a rate.
    pub(super) fn policy(&mut self, raw: Option<&Spanned<RawPolicy>>) -> Policy {
        let defaults = Policy::default();
        let Some(raw) = raw else { return defaults };
        let mut count =
            |value: &Option<Spanned<u32>>, what: &str, low: u32, high: u32, default: u32| {
                match value {
                    Some(v) if v.value < low || v.value > high => {
                        self.problems.push(Diagnostic {
                            location: v.location.clone(),
                            message: format!(
                                "`policy.{what}` must be from {low} to {high}, found {}",
                                v.value
                            ),
                        });
                        default
                    }
                    Some(v) => v.value,
                    None => default,
                }
            };
        let max_attempts_per_hour = count(
            &raw.max_attempts_per_hour,
            "max_attempts_per_hour",
            0,
            60,
            defaults.max_attempts_per_hour,
        );
        let max_consecutive_failures = count(
            &raw.max_consecutive_failures,
            "max_consecutive_failures",
            1,
            10,
            defaults.max_consecutive_failures,
        );
        let failure_rate_min_attempts = count(
            &raw.failure_rate_min_attempts,
            "failure_rate_min_attempts",
            1,
            1000,
            defaults.failure_rate_min_attempts,
        );
        let open_after = count(&raw.open_after, "open_after", 1, 100, defaults.open_after);
        let resolve_after = count(
            &raw.resolve_after,
            "resolve_after",
            1,
            100,
            defaults.resolve_after,
        );
        let flapping_changes = count(
            &raw.flapping_changes,
            "flapping_changes",
            2,
            100,
            defaults.flapping_changes,
        );
        let failure_rate_percent = match &raw.failure_rate_percent {
            Some(p) if !(0.0..100.0).contains(&p.value) => {
                self.problem(
                    &p.location,
                    format!(
                        "`policy.failure_rate_percent` must be at least 0 and below 100, found {}",
                        p.value
                    ),
                );
                defaults.failure_rate_percent
            }
            Some(p) => p.value,
            None => defaults.failure_rate_percent,
        };
        let trends = self.trends(raw.trends.as_ref(), &defaults.trends);
        let retention = self.retention(raw.retention.as_ref(), &trends, &raw.location);
        Policy {
            max_attempts_per_hour,
            max_consecutive_failures,
            failure_rate_percent,
            failure_rate_min_attempts,
            failure_rate_window: self.duration(
                raw.failure_rate_window.as_ref(),
                "policy.failure_rate_window",
                defaults.failure_rate_window,
            ),
            approval_ttl: self.duration(
                raw.approval_ttl.as_ref(),
                "policy.approval_ttl",
                defaults.approval_ttl,
            ),
            verify_timeout: self.duration(
                raw.verify_timeout.as_ref(),
                "policy.verify_timeout",
                defaults.verify_timeout,
            ),
            data_tags: raw
                .data_tags
                .clone()
                .map_or(defaults.data_tags, |t| t.into_iter().collect()),
            critical_tags: raw
                .critical_tags
                .clone()
                .map_or(defaults.critical_tags, |t| t.into_iter().collect()),
            open_after,
            resolve_after,
            flapping_changes,
            trends,
            retention,
            flapping_window: self.duration(
                raw.flapping_window.as_ref(),
                "policy.flapping_window",
                defaults.flapping_window,
            ),
        }
    }
}

impl Resolver {
    /// Extra redaction patterns must compile; a broken one would leave
    /// secrets unredacted, so it is an error, not a warning.
    pub(super) fn redact(&mut self, raw: Option<&Spanned<Vec<Spanned<String>>>>) -> Vec<String> {
        let Some(patterns) = raw else {
            return Vec::new();
        };
        patterns
            .value
            .iter()
            .filter(|p| match regex::Regex::new(&p.value) {
                Ok(_) => true,
                Err(e) => {
                    self.problem(
                        &p.location,
                        format!("redact pattern `{}` is not a valid regex: {e}", p.value),
                    );
                    false
                }
            })
            .map(|p| p.value.clone())
            .collect()
    }

    pub(super) fn sync(
        &mut self,
        raw: Option<&Spanned<super::super::raw::RawSync>>,
    ) -> Option<super::super::inventory::Sync> {
        let raw = raw?;
        let Some(remote) = raw.remote.as_ref().filter(|r| !r.value.trim().is_empty()) else {
            self.problem(
                &raw.location,
                "`sync` needs a `remote` (the name of a git remote, e.g. `origin`)",
            );
            return None;
        };
        Some(super::super::inventory::Sync {
            remote: remote.value.clone(),
            branch: raw.branch.as_ref().map(|b| b.value.clone()),
        })
    }
}

impl Resolver {
    /// Trend thresholds: durations above zero, factors at least 1, a floor a
    /// percentage, and every critical horizon inside its warning one.
    fn trends(
        &mut self,
        raw: Option<&Spanned<super::super::raw::RawTrends>>,
        defaults: &crate::analyze::trends::TrendPolicy,
    ) -> crate::analyze::trends::TrendPolicy {
        let mut t = defaults.clone();
        let Some(raw) = raw else { return t };
        let duration = |r: &mut Self,
                        value: &Option<Spanned<String>>,
                        name: &str,
                        into: &mut std::time::Duration| {
            *into = r.duration(value.as_ref(), &format!("policy.trends.{name}"), *into);
        };
        duration(self, &raw.disk_window, "disk_window", &mut t.disk_window);
        duration(
            self,
            &raw.disk_warning_within,
            "disk_warning_within",
            &mut t.disk_warning_within,
        );
        duration(
            self,
            &raw.disk_critical_within,
            "disk_critical_within",
            &mut t.disk_critical_within,
        );
        duration(
            self,
            &raw.swap_warning_within,
            "swap_warning_within",
            &mut t.swap_warning_within,
        );
        duration(
            self,
            &raw.swap_critical_within,
            "swap_critical_within",
            &mut t.swap_critical_within,
        );
        duration(
            self,
            &raw.latency_window,
            "latency_window",
            &mut t.latency_window,
        );
        duration(
            self,
            &raw.latency_baseline,
            "latency_baseline",
            &mut t.latency_baseline,
        );
        duration(
            self,
            &raw.certificate_warning_within,
            "certificate_warning_within",
            &mut t.certificate_warning_within,
        );
        duration(
            self,
            &raw.certificate_critical_within,
            "certificate_critical_within",
            &mut t.certificate_critical_within,
        );
        let number = |r: &mut Self,
                      value: &Option<Spanned<f64>>,
                      name: &str,
                      low: f64,
                      high: f64,
                      into: &mut f64| {
            if let Some(v) = value {
                if (low..=high).contains(&v.value) {
                    *into = v.value;
                } else {
                    r.problem(
                        &v.location,
                        format!(
                            "`policy.trends.{name}` must be from {low} to {high}, found {}",
                            v.value
                        ),
                    );
                }
            }
        };
        number(
            self,
            &raw.memory_floor_percent,
            "memory_floor_percent",
            0.0,
            100.0,
            &mut t.memory_floor_percent,
        );
        number(
            self,
            &raw.restart_factor,
            "restart_factor",
            1.0,
            1000.0,
            &mut t.restart_factor,
        );
        number(
            self,
            &raw.latency_factor,
            "latency_factor",
            1.0,
            1000.0,
            &mut t.latency_factor,
        );
        number(
            self,
            &raw.latency_floor_ms,
            "latency_floor_ms",
            0.0,
            600_000.0,
            &mut t.latency_floor_ms,
        );
        if let Some(v) = &raw.restart_min_count {
            if (1..=1000).contains(&v.value) {
                t.restart_min_count = v.value;
            } else {
                self.problem(
                    &v.location,
                    format!(
                        "`policy.trends.restart_min_count` must be from 1 to 1000, found {}",
                        v.value
                    ),
                );
            }
        }
        for (critical, warning, name) in [
            (t.disk_critical_within, t.disk_warning_within, "disk"),
            (t.swap_critical_within, t.swap_warning_within, "swap"),
            (
                t.certificate_critical_within,
                t.certificate_warning_within,
                "certificate",
            ),
        ] {
            if critical > warning {
                self.problem(&raw.location, format!("`policy.trends.{name}_critical_within` must not be longer than `{name}_warning_within`"));
            }
        }
        t
    }
}
