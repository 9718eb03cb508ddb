package cluster

import (
	"testing"

	clientv3 "go.etcd.io/etcd/client/v3"
)

// TestNewestEvent: a follower behind a burst of writes applies only the newest state, and a
// response that ends the watch is not lost behind the events queued before it.
func TestNewestEvent(t *testing.T) {
	t.Parallel()
	a, b, c := &clientv3.Event{}, &clientv3.Event{}, &clientv3.Event{}
	resp := func(evs ...*clientv3.Event) clientv3.WatchResponse { return clientv3.WatchResponse{Events: evs} }
	tests := []struct {
		name    string
		first   clientv3.WatchResponse
		queued  []clientv3.WatchResponse
		closed  bool
		want    *clientv3.Event
		wantErr bool
	}{
		{name: "one event", first: resp(a), want: a},
		{name: "last of one response", first: resp(a, b), want: b},
		{name: "last of the queued responses", first: resp(a), queued: []clientv3.WatchResponse{resp(b), resp(c)}, want: c},
		{name: "an empty response keeps the newest", first: resp(a, b), queued: []clientv3.WatchResponse{resp()}, want: b},
		{name: "no event", first: resp(), want: nil},
		{name: "channel closed behind", first: resp(a), closed: true, want: a},
		{name: "cancelled first", first: clientv3.WatchResponse{Canceled: true}, wantErr: true},
		{name: "compacted behind the events", first: resp(a), queued: []clientv3.WatchResponse{{CompactRevision: 7}}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ch := make(chan clientv3.WatchResponse, len(tt.queued))
			for _, r := range tt.queued {
				ch <- r
			}
			if tt.closed {
				close(ch)
			}
			got, err := newestEvent(tt.first, ch)
			if (err != nil) != tt.wantErr {
				t.Fatalf("error %v, want error %v", err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("got event %p, want %p", got, tt.want)
			}
			if len(ch) != 0 {
				t.Errorf("%d responses left queued", len(ch))
			}
		})
	}
}
