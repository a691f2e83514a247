package cliflag

import (
	"errors"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestRedactURL(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{name: "password", in: "redis://user:s3cret@127.0.0.1:6379/0", want: "redis://user:xxxxx@127.0.0.1:6379/0"},
		{name: "no user information", in: "redis://127.0.0.1:6379/0", want: "redis://127.0.0.1:6379/0"},
		{name: "does not parse", in: "redis://:s3cret@127.0.0.1:63x9/0", want: "redis://xxxxx@127.0.0.1:63x9/0"},
		{name: "no scheme, credentials", in: "user:s3cret@host", want: "(hidden: it holds credentials)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, RedactURL(tt.in))
		})
	}
}

func TestURLErrorLeavesOutTheURL(t *testing.T) {
	raw := []string{"redis://:s3cret@127.0.0.1:63x9/0"}[0] // a bad port: url.Parse fails
	_, perr := url.Parse(raw)
	if perr == nil {
		t.Fatal("the URL parsed")
	}
	err := URLError("redis", raw, perr)
	assert.NotContains(t, err.Error(), "s3cret")
	assert.Contains(t, err.Error(), `-redis "redis://xxxxx@127.0.0.1:63x9/0": `)
	assert.False(t, errors.As(err, new(*url.Error)), "url.Parse's message repeats the URL")
}
