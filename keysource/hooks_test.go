package keysource

import "testing"

func TestHookNames(t *testing.T) {
	for _, tc := range []struct {
		name string
		got  string
		want string
	}{
		{"first", TriggerFirst.String(), "first"},
		{"scheduled", TriggerScheduled.String(), "scheduled"},
		{"retry", TriggerRetry.String(), "retry"},
		{"unknown_kid", TriggerUnknownKID.String(), "unknown_kid"},
		{"signature", TriggerSignature.String(), "signature"},
		{"trigger zero", Trigger(0).String(), "unknown"},
		{"updated", OutcomeUpdated.String(), "updated"},
		{"unchanged", OutcomeUnchanged.String(), "unchanged"},
		{"not_modified", OutcomeNotModified.String(), "not_modified"},
		{"failed", OutcomeFailed.String(), "failed"},
		{"outcome zero", Outcome(0).String(), "unknown"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.got != tc.want {
				t.Fatalf("got %q, want %q", tc.got, tc.want)
			}
		})
	}
}
