package io.veneer.images.api;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/** Guards the REST images API with {@link ApiAccess}; refusals become problem+json 401/403. */
@Configuration(proxyBeanMethods = false)
class ApiAccessInterceptor implements HandlerInterceptor, WebMvcConfigurer {

  private final ApiAccess access;

  ApiAccessInterceptor(ApiAccess access) {
    this.access = access;
  }

  @Override
  public void addInterceptors(InterceptorRegistry registry) {
    registry.addInterceptor(this).addPathPatterns("/api/v1/images", "/api/v1/images/**");
  }

  @Override
  public boolean preHandle(
      HttpServletRequest request, HttpServletResponse response, Object handler) {
    ApiAccess.turnedAway(access.check(request.getHeader(HttpHeaders.AUTHORIZATION)))
        .ifPresent(
            refusal -> {
              throw refusal;
            });
    return true;
  }
}
