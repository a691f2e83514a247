package cliflag

import (
	"context"

	"github.com/jwtguard/jwtguard/keysource"
)

// Remote is what keysource.NewJWKS, NewPEM and NewOIDC return.
type Remote interface {
	keysource.Source
	Ready(ctx context.Context) error
	Close() error
}

// AsRemote turns a constructor's typed result into a Remote, keeping a nil
// source nil (never a non-nil interface holding a nil pointer).
func AsRemote[S Remote](src S, err error) (Remote, error) {
	if err != nil {
		return nil, err
	}
	return src, nil
}
