package dev.plumbline.server;

/** A request the API refuses: the status and a message for the client (never a stack trace). */
final class ApiError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  final int status;
  final String parameter;

  ApiError(int status, String message, String parameter) {
    super(message, null, false, false);
    this.status = status;
    this.parameter = parameter;
  }

  static ApiError badParameter(String parameter, String message) {
    return new ApiError(400, parameter + ": " + message, parameter);
  }

  static ApiError badRequest(String message) {
    return new ApiError(400, message, null);
  }

  static ApiError notFound(String message) {
    return new ApiError(404, message, null);
  }
}
