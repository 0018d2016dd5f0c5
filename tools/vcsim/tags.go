package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"crypto/tls"

	"github.com/vmware/govmomi/simulator"
)

// seedTags creates the tag category Layershift.Layer (Critical, High, Medium, Low) and attaches the
// tags to VMs in the deterministic mix of layerFor, through the vAPI simulator's own REST endpoints
// (its store is an unexported handler, so REST is the supported way in).
// It returns the number of tagged VMs.
func seedTags(srv *simulator.Server, cfg config, inv *inventory) (int, error) {
	base := fmt.Sprintf("%s://%s/rest/com/vmware/cis", srv.URL.Scheme, srv.URL.Host)
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}} // our own self-signed server
	var session string
	call := func(method, path string, in, out interface{}) error {
		var body bytes.Buffer
		if in != nil {
			if err := json.NewEncoder(&body).Encode(in); err != nil {
				return err
			}
		}
		req, err := http.NewRequest(method, base+path, &body)
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/json")
		if session == "" {
			req.SetBasicAuth(cfg.username, cfg.password)
		} else {
			req.Header.Set("vmware-api-session-id", session)
		}
		res, err := client.Do(req)
		if err != nil {
			return err
		}
		defer res.Body.Close()
		if res.StatusCode != http.StatusOK {
			return fmt.Errorf("%s %s: HTTP %d", method, path, res.StatusCode)
		}
		if out != nil {
			return json.NewDecoder(res.Body).Decode(out)
		}
		return nil
	}
	var id struct {
		Value string `json:"value"`
	}
	if err := call(http.MethodPost, "/session", nil, &id); err != nil {
		return 0, err
	}
	session = id.Value
	defer func() { _ = call(http.MethodDelete, "/session", nil, nil) }()

	if err := call(http.MethodPost, "/tagging/category", map[string]interface{}{"create_spec": map[string]interface{}{
		"name": "Layershift.Layer", "description": "Layershift relocation layer", "cardinality": "SINGLE",
		"associable_types": []string{"VirtualMachine"},
	}}, &id); err != nil {
		return 0, err
	}
	category := id.Value
	tagIDs := map[string]string{}
	for _, name := range []string{"Critical", "High", "Medium", "Low"} {
		if err := call(http.MethodPost, "/tagging/tag", map[string]interface{}{"create_spec": map[string]interface{}{
			"name": name, "description": "Layershift layer " + name, "category_id": category,
		}}, &id); err != nil {
			return 0, err
		}
		tagIDs[name] = id.Value
	}
	objects := map[string][]map[string]string{}
	for _, vm := range inv.vms {
		if l := layerFor(vm.Index); l != "" {
			objects[l] = append(objects[l], map[string]string{"type": "VirtualMachine", "id": vm.Ref.Value})
		}
	}
	for name, objs := range objects {
		path := "/tagging/tag-association/id:" + url.PathEscape(tagIDs[name]) + "?~action=attach-tag-to-multiple-objects"
		if err := call(http.MethodPost, path, map[string]interface{}{"object_ids": objs}, nil); err != nil {
			return 0, err
		}
	}
	// Read the associations back, so VCSIM_READY (printed after this returns) means every tag is attached.
	tagged := 0
	for name, objs := range objects {
		var attached struct {
			Value []map[string]string `json:"value"`
		}
		path := "/tagging/tag-association/id:" + url.PathEscape(tagIDs[name]) + "?~action=list-attached-objects"
		if err := call(http.MethodPost, path, map[string]interface{}{}, &attached); err != nil {
			return 0, err
		}
		if len(attached.Value) != len(objs) {
			return 0, fmt.Errorf("tag %s: %d objects attached, want %d", name, len(attached.Value), len(objs))
		}
		tagged += len(objs)
	}
	return tagged, nil
}
