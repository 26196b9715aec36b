package dev.plumbline.kube;

/**
 * The cluster cannot be read at all: the API server cannot be reached, rejects the credentials,
 * or the kubeconfig is unusable. Problems with one kind (a kind the server does not serve, a
 * missing permission) are not exceptions: they are reported with the other kinds' results.
 */
public final class ClusterException extends Exception {
  private static final long serialVersionUID = 1L;

  public ClusterException(String message) {
    super(message);
  }

  public ClusterException(String message, Throwable cause) {
    super(message, cause);
  }
}
