package app

import "net/http"

// mountUI adds the server-rendered web UI to mux. The UI package owns its
// routes; this file is the one place the composition root wires it.
func (a *App) mountUI(mux *http.ServeMux) {}
